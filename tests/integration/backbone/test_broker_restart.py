"""A broker restart during a steady publish loop loses nothing and doubles nothing: saves
on the aggregate store (``shared/store.py``) published by the change relay
(``shared/relay.py``).

Runs its own throwaway single-node Kafka (never the shared broker on 9092), started by
the local stack's launcher (:mod:`deploy.local`) on free ports under a temp directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.broker import create_producer
from shared.consuming import EventConsumer, Inbox
from shared.events import Envelope, new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.relay import ChangeRelay
from shared.settings import Settings
from shared.store import MongoAggregateStore
from tests.integration.backbone.support import eventually, running_consumer

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Demand(BaseModel):
    id: str
    version: int = 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayKafka:
    """Start/stop a private broker through deploy.local's Kafka engine."""

    def __init__(self, home: Path) -> None:
        from deploy.local.config import LocalStack
        from deploy.local.engines.kafka import Kafka

        stack = LocalStack(
            state_dir=home, kafka_port=_free_port(), kafka_controller_port=_free_port()
        )
        self.engine = Kafka(stack)
        self.bootstrap = self.engine.url

    async def start(self) -> None:
        await asyncio.to_thread(self.engine.start)
        await asyncio.to_thread(self.engine.wait_healthy, 120.0)

    async def stop(self) -> None:
        await asyncio.to_thread(self.engine.stop)


@pytest.fixture
async def private_kafka(tmp_path: Path) -> AsyncIterator[ThrowawayKafka]:
    try:
        kafka = ThrowawayKafka(tmp_path / "stack")
    except ImportError as exc:  # pragma: no cover - the launcher is the lead's
        pytest.skip(f"deploy.local Kafka launcher not available: {exc}")
    try:
        await kafka.start()
    except Exception as exc:
        await kafka.stop()
        pytest.skip(f"could not start a private Kafka: {exc}")
    try:
        yield kafka
    finally:
        await kafka.stop()


async def test_broker_restart_during_publishing_delivers_every_event_once(
    private_kafka: ThrowawayKafka, fresh_db: AsyncDatabase[Any], unique_settings: Settings
) -> None:
    settings = unique_settings.model_copy(update={"kafka_bootstrap": private_kafka.bootstrap})
    effects = fresh_db["effects"]
    store = MongoAggregateStore(fresh_db, "demand", Demand, collection="demands")

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished)
        async def count(payload: TalentDemandPublished, event: Envelope) -> None:
            await effects.update_one({"_id": payload.id}, {"$inc": {"n": 1}}, upsert=True)

    # a sweep every 5 s re-reads what a failed send left unmarked (the old relay polled at 1 s)
    relay = ChangeRelay(
        fresh_db, create_producer(settings), service="talent", settings=settings,
        sweep_seconds=5.0,
    )  # fmt: skip
    written: list[str] = []
    stop_writing = asyncio.Event()

    async def write_steadily() -> None:
        i = 0
        while not stop_writing.is_set():
            demand = TalentDemandPublished(
                id=f"d{i}", owner_org_id="o", title="岗位", seniority="mid"
            )
            ev = new_event(demand, subject=demand.id, version=1, source="talent")
            await store.create(demand.id, Demand(id=demand.id), [ev])
            written.append(demand.id)
            i += 1
            await asyncio.sleep(0.02)  # pacing of the load, not synchronisation

    async with running_consumer(settings, setup, inbox=Inbox(fresh_db)):
        await relay.start()
        writer = asyncio.create_task(write_steadily())
        try:
            await eventually(lambda: _count(effects, 20), timeout=60, what="steady flow")
            await private_kafka.stop()
            down_at = len(written)
            await eventually(lambda: _true(len(written) >= down_at + 30), what="writes while down")
            await private_kafka.start()
            # Everything written while the broker was down must come through.
            written_while_down = len(written)
            await eventually(
                lambda: _count(effects, written_while_down), timeout=120, what="flow after restart"
            )
            stop_writing.set()
            await writer
            total = len(written)
            await eventually(lambda: _count(effects, total), timeout=120, what="every event")
            assert await relay.pending() == 0
        finally:
            stop_writing.set()
            with contextlib.suppress(Exception):
                await writer
            await relay.stop()
    counts = {d["_id"]: d["n"] async for d in effects.find({})}
    assert set(counts) == set(written)
    assert set(counts.values()) == {1}


async def _count(effects: Any, n: int) -> bool:
    return await effects.count_documents({}) >= n


async def _true(value: bool) -> bool:
    return value
