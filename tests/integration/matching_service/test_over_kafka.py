"""The whole service on the real engines: market events in on Kafka, pairs stored,
``matching.match.suggested`` out on Kafka through the outbox relay, and the time from
an event consumed to its suggestions stored."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.auth import OrgType
from shared.events import Envelope, new_event, topic_for
from shared.events.contracts.techtransfer import TechNeedPublished, TechOfferPublished
from shared.settings import Settings
from tests.integration.matching_service.conftest import MINT
from tests.integration.matching_service.records import record
from tests.support.auth import bearer, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DEADLINE = 30.0


def contract_payload(model, rec):
    flat = {k: v for k, v in rec.model_dump().items() if k not in ("attributes", "kind")}
    attrs = dict(rec.attributes)
    if "ip" in attrs:
        attrs["patent_count"] = attrs.pop("ip")
    return model.model_validate(flat | attrs)


async def wait_for(predicate, what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if result := await predicate():
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_events_in_suggestions_out(app, settings: Settings) -> None:
    demander = make_caller(OrgType.enterprise, org_id="org-demand")
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    out_topic = topic_for("matching.match.suggested", settings)
    listener = AIOKafkaConsumer(
        out_topic, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await listener.start()
    await producer.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
            for model, rec in ((TechNeedPublished, need), (TechOfferPublished, offer)):
                env = new_event(
                    contract_payload(model, rec), subject=rec.id, version=1, source="techtransfer"
                )
                await producer.send_and_wait(
                    topic_for(env.type, settings), env.to_json_bytes(), key=rec.id.encode()
                )

            async def listed():
                r = await client.get("/matches", headers=bearer(MINT.token(demander)))
                return r.json()["items"]

            items = await wait_for(listed, "the pair to be stored")
            assert [(m["demand_id"], m["supply_id"], m["rank"]) for m in items] == [
                (need.id, offer.id, 1)
            ]

            async def recorded():  # the pair is listed before its handler returns
                return app.state.deps.last_latency

            latency = await wait_for(recorded, "the handler to finish")
            print(f"\nevent consumed -> suggestions stored: {latency * 1000:.0f} ms")

            async def suggested():
                batch = await listener.getmany(timeout_ms=200)
                return [Envelope.from_json_bytes(m.value) for ms in batch.values() for m in ms]

            events = await wait_for(suggested, "matching.match.suggested on Kafka")
            assert {e.type for e in events} == {"matching.match.suggested"}
            assert {e.data["side"] for e in events} <= {"demand", "supply"}
            assert events[0].data["demand_id"] == need.id and events[0].data["rank"] == 1
            assert events[0].subject == f"{need.id}|{offer.id}"
    finally:
        await producer.stop()
        await listener.stop()
