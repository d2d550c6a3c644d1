"""Concurrent tier changes on the real FerretDB and Kafka: several operators adding the same
tier at once give exactly one success, one history entry (no duplicate sequence numbers)
and exactly one ``identity.enterprise.tier_changed`` event for that version.

Before the aggregate store, identity's check-then-write (``update_one_where``) let 5 of 6
such writers "win" on FerretDB. Also: one refresh token spent by several requests at once
gives exactly one new pair (the spend is a unique insert)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from services.identity.domain.credit_code import check_character
from shared.events import topic_name
from shared.events.contracts.identity import ENTERPRISE_TOPIC
from tests.integration.identity.conftest import PASSWORD, Identity, bearer
from tests.support.problems import code_of

pytestmark = pytest.mark.integration
OPERATORS = 6


def code(first17: str) -> str:
    return first17 + check_character(first17)


async def tier_events(identity: Identity, enterprise_id: str, at_least: int) -> list[dict]:
    """Distinct tier_changed envelopes of one enterprise on Kafka: reads until ``at_least``
    arrived (deadline 20 s), then one more bounded read so duplicates would show."""
    consumer = AIOKafkaConsumer(
        topic_name(ENTERPRISE_TOPIC, identity.settings),
        bootstrap_servers=identity.settings.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: dict[str, dict[str, Any]] = {}

    async def read(ms: int) -> None:
        batch = await consumer.getmany(timeout_ms=ms)
        for records in batch.values():
            for record in records:
                body = json.loads(record.value)
                if body.get("subject") == enterprise_id:
                    seen.setdefault(body["id"], body)  # at-least-once: dedupe on the id

    try:
        deadline = time.monotonic() + 20
        while len(seen) < at_least and time.monotonic() < deadline:
            await read(500)
        await read(1500)
    finally:
        await consumer.stop()
    return [e for e in seen.values() if e["type"] == "identity.enterprise.tier_changed"]


async def test_operators_adding_the_same_tier_at_once_give_one_change(
    identity: Identity,
) -> None:
    tokens = [(await identity.bootstrap_operator())[1] for _ in range(OPERATORS)]
    unique = uuid.uuid4().int % 10**5
    enterprise_id, _ = await identity.register(
        tokens[0],
        {
            "type": "enterprise", "name": f"并发企业{unique}", "district": "haidian",
            "founding_date": "2016-01-01",
            "high_tech_certificate": {"number": "GR202311004321", "expires_on": "2030-01-01"},
            "credit_code": code(f"91110108MA01R{unique:04d}"[:17]),
        },
    )  # fmt: skip
    add = {"tier": "small_to_scale", "action": "add", "reason": "并发测试"}
    path = f"/enterprises/{enterprise_id}/tier-changes"
    answers = await asyncio.gather(
        *(identity.client.post(path, json=add, headers=bearer(t)) for t in tokens)
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (OPERATORS - 1), [a.text for a in answers]
    assert {code_of(a.json()) for a in answers if a.status_code == 409} == {"already_on_list"}

    history = await identity.client.get(
        f"/enterprises/{enterprise_id}/tiers/history", headers=bearer(tokens[0])
    )
    entries = history.json()["items"]
    seqs = [e["seq"] for e in entries]
    assert len(seqs) == len(set(seqs)), seqs
    assert [(e["tier"], e["action"]) for e in entries] == [("small_to_scale", "added")]

    events = await tier_events(identity, enterprise_id, at_least=1)
    added = [e for e in events if e["data"]["tier"] == "small_to_scale"]
    assert len(added) == 1, added
    versions = Counter(e["version"] for e in events)
    assert all(n == 1 for n in versions.values()), versions


async def test_one_refresh_token_spent_at_once_gives_one_new_pair(identity: Identity) -> None:
    _, op = await identity.bootstrap_operator()
    _, email = await identity.register(op, {"type": "soe", "name": "并发刷新国企"})
    pair = (
        await identity.client.post("/auth/token", json={"email": email, "password": PASSWORD})
    ).json()
    body = {"refresh_token": pair["refresh_token"]}
    answers = await asyncio.gather(
        *(identity.client.post("/auth/refresh", json=body) for _ in range(OPERATORS))
    )
    assert sorted(a.status_code for a in answers) == [200] + [401] * (OPERATORS - 1)
