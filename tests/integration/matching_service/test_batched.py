"""Batched round trips on the real engines: concurrent record changes share one ``_bulk``
and one ``_msearch``, and a bad record in a batch fails alone — on OpenSearch (a record
the index refuses is told to its owner while its batch-mates are indexed) and over Kafka
(a poison event goes to the dead-letter topic alone; every other record of the burst
is matched)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.matching.storage.search import WriteOutcome
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from shared.broker import ensure_topics
from shared.events import dlq_topic, new_event, topic_for
from shared.events.contracts.techtransfer import TechNeedPublished, TechOfferPublished
from shared.settings import Settings
from tests.integration.matching_service.records import change, record
from tests.integration.matching_service.test_over_kafka import contract_payload, wait_for

pytestmark = pytest.mark.integration


async def test_concurrent_changes_share_round_trips_and_fail_alone(deps: Deps) -> None:
    offers = [record("tech_offer", f"org-{i}") for i in range(6)]
    hostile = record("tech_offer", "org-bad", attributes={"trl": "九级"})  # not an integer
    needs = [record("tech_need", f"org-n{i}") for i in range(4)]
    applied = await asyncio.gather(*(apply_change(deps, change(r)) for r in [*offers, hostile]))
    assert [a.outcome for a in applied] == [WriteOutcome.applied] * 6 + [WriteOutcome.rejected]
    assert deps.search.writes.batches < deps.search.writes.items  # shared _bulk requests
    searches = deps.search.searches.batches
    ranked = await asyncio.gather(*(apply_change(deps, change(r)) for r in needs))
    assert all(len(r.pairing.suggested) >= 1 for r in ranked)  # each need ranked its offers
    assert deps.search.searches.batches - searches < len(needs)  # shared _msearch requests
    # a replay is "same", an older version "stale": per item, inside a shared bulk
    again = await asyncio.gather(
        apply_change(deps, change(offers[0])), apply_change(deps, change(offers[1], "updated", 2))
    )
    assert [a.outcome for a in again] == [WriteOutcome.same, WriteOutcome.applied]
    old = await apply_change(deps, change(offers[1], "updated", 1))
    assert old.outcome is WriteOutcome.stale


@pytest.mark.slow
async def test_a_poison_event_in_a_burst_goes_to_the_dlq_alone(app, settings: Settings) -> None:
    needs = [record("tech_need", f"org-d{i}") for i in range(4)]
    offers = [record("tech_offer", f"org-s{i}") for i in range(4)]
    envelopes = [
        new_event(contract_payload(model, r), subject=r.id, version=1, source="techtransfer")
        for model, batch in ((TechNeedPublished, needs), (TechOfferPublished, offers))
        for r in batch
    ]
    poison = json.loads(envelopes[0].to_json_bytes())
    poison |= {"id": "poison-1", "subject": "tech_need-poison"}
    poison["data"] = {**poison["data"], "id": "tech_need-poison", "title": None}
    need_topic = topic_for(envelopes[0].type, settings)
    await ensure_topics([dlq_topic(need_topic)], settings)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:  # the poison sits in the middle of the needs' burst
        sends = [(topic_for(e.type, settings), e.to_json_bytes(), e.subject) for e in envelopes]
        sends.insert(2, (need_topic, json.dumps(poison).encode(), "tech_need-poison"))
        for topic, body, key in sends:
            await producer.send(topic, body, key=key.encode())
        await producer.flush()
    finally:
        await producer.stop()
    repo = app.state.deps.repos.matches
    expected = {f"{n.id}|{o.id}" for n in needs for o in offers}

    async def all_pairs():
        found = {d["_id"] async for d in repo.collection.find({}, {"_id": 1})}
        return expected <= found

    await wait_for(all_pairs, "every pair of the burst", deadline=90)
    dlq = AIOKafkaConsumer(dlq_topic(need_topic), bootstrap_servers=settings.kafka_bootstrap,
                           auto_offset_reset="earliest", group_id=None)  # fmt: skip
    await dlq.start()
    try:
        parked: list = []
        end = time.monotonic() + 30
        while not parked and time.monotonic() < end:
            batch = await dlq.getmany(timeout_ms=500)
            parked += [m for ms in batch.values() for m in ms]
        more = await dlq.getmany(timeout_ms=1000)
        parked += [m for ms in more.values() for m in ms]
    finally:
        await dlq.stop()
    assert [json.loads(m.value)["id"] for m in parked] == ["poison-1"]
    assert dict(parked[0].headers)["dlq-reason"] == b"invalid_payload"
