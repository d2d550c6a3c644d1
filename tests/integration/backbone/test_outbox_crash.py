"""Outbox + relay on the real engines, with the process killed between the steps."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.broker import create_producer
from shared.consuming import EventConsumer, Inbox
from shared.events import Envelope, topic_for
from shared.events.contracts.talent import TalentDemandPublished
from shared.outbox import OutboxRelay
from shared.settings import Settings
from tests.integration.backbone.support import eventually, read_all, running_consumer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_topics")]
CHILD = "tests.integration.backbone.crash_child"


async def _child(
    mode: str, db: AsyncDatabase[Any], settings: Settings
) -> asyncio.subprocess.Process:
    env = dict(
        os.environ,
        DUIJIE_TOPIC_PREFIX=settings.topic_prefix,
        DUIJIE_MONGO_URL=settings.mongo_url,
        DUIJIE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", CHILD, mode, db.name, env=env, stdout=asyncio.subprocess.PIPE
    )


async def _wait_line(proc: asyncio.subprocess.Process, expected: str) -> None:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    assert line.decode().strip() == expected


async def test_killed_after_the_write_and_after_the_publish_still_one_effect(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any]
) -> None:
    effects = fresh_db["effects"]

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished)
        async def count(payload: TalentDemandPublished, event: Envelope) -> None:
            await effects.update_one({"_id": payload.id}, {"$inc": {"n": 1}}, upsert=True)

    async with running_consumer(unique_settings, setup, inbox=Inbox(fresh_db)):
        # 1. The state change and its event are written; the process dies before any publish.
        writer = await _child("write", fresh_db, unique_settings)
        await _wait_line(writer, "written")
        writer.send_signal(signal.SIGKILL)
        assert await writer.wait() == -signal.SIGKILL
        stored = await fresh_db["demands"].find_one({"_id": "d1"})
        assert stored is not None and len(stored["outbox"]) == 1

        # 2. After a restart a relay publishes, and dies before clearing the outbox.
        publisher = await _child("publish", fresh_db, unique_settings)
        await _wait_line(publisher, "published")
        assert await publisher.wait() == -signal.SIGKILL
        stored = await fresh_db["demands"].find_one({"_id": "d1"})
        assert len(stored["outbox"]) == 1
        assert await fresh_db["outbox_marks"].count_documents({}) == 0  # not marked: goes again

        # 3. The next process's relay sweeps at start: the event goes out a second time.
        relay = OutboxRelay(
            fresh_db, ["demands"], create_producer(unique_settings), settings=unique_settings
        )
        await relay.start()
        try:

            async def drained() -> bool:
                return await relay.pending() == 0

            await eventually(drained, what="the outbox to be drained")
            await eventually(lambda: _effect_count(effects, 1), what="the effect")
        finally:
            await relay.stop()

    topic = topic_for("talent.demand.published", unique_settings)
    on_the_wire = await read_all(unique_settings, topic, expected=2)
    assert len({r.value for r in on_the_wire}) == 1 and len(on_the_wire) == 2
    assert (await effects.find_one({"_id": "d1"}))["n"] == 1  # published twice, one effect


async def _effect_count(effects: Any, n: int) -> bool:
    doc = await effects.find_one({"_id": "d1"})
    return doc is not None and doc["n"] == n


async def test_relay_publishes_in_order_per_aggregate_and_wakes_on_writes(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any]
) -> None:
    from shared.events import new_event
    from shared.events.contracts.talent import TalentDemandUpdated
    from shared.outbox import outbox_push, with_outbox

    got: list[int] = []

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished, TalentDemandUpdated)
        async def record(payload: Any, event: Envelope) -> None:
            got.append(event.version)

    col = fresh_db["demands"]
    relay = OutboxRelay(
        fresh_db, ["demands"], create_producer(unique_settings), settings=unique_settings,
        interval=3600,  # no sweeps: only wake() can make this test pass
    )  # fmt: skip
    async with running_consumer(unique_settings, setup):
        await relay.start()
        try:
            fields = dict(owner_org_id="o1", title="架构师", seniority="senior")
            first = new_event(
                TalentDemandPublished(id="d1", **fields), subject="d1", version=1, source="talent"
            )
            await col.insert_one(with_outbox({"_id": "d1", "version": 1}, [first]))
            relay.wake("demands", ["d1"])
            for v in range(2, 6):
                ev = new_event(
                    TalentDemandUpdated(id="d1", **fields), subject="d1", version=v, source="talent"
                )
                await col.update_one({"_id": "d1"}, {"$set": {"version": v}, **outbox_push([ev])})
                relay.wake()
            await eventually(lambda: _true(len(got) >= 5), what="five events")
        finally:
            await relay.stop()
    assert got == [1, 2, 3, 4, 5]


async def _true(value: bool) -> bool:
    return value
