"""A tiny aggregate for the store's tests, and a reader of what reached a topic."""

from __future__ import annotations

import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer
from pydantic import BaseModel

from shared.events import Envelope
from shared.events.registry import topic_for
from shared.settings import Settings

EVENT_TYPE = "techtransfer.need.updated"  # any registered type: the relay only routes it


class Counter(BaseModel):
    id: str
    version: int = 0
    value: int = 0


def event(agg_id: str, value: int) -> Envelope:
    return Envelope(
        id=uuid.uuid4().hex,
        source="/duijie/test",
        type=EVENT_TYPE,
        subject=agg_id,
        time="2026-01-01T00:00:00Z",
        data={"value": value},
        version=0,
    )


async def read_topic(settings: Settings, expected: int, timeout: float = 30.0) -> list[Any]:
    """Every message on the test topic, reading until ``expected`` arrived or ``timeout``."""
    import asyncio
    import time

    topic = topic_for(EVENT_TYPE, settings)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    seen: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for msgs in batch.values():
                seen.extend(msgs)
        # one more short read: more than expected would be duplicates
        batch = await consumer.getmany(timeout_ms=1000)
        for msgs in batch.values():
            seen.extend(msgs)
        await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return seen
