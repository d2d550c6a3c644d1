"""Helpers for the backbone's integration tests: a running consumer, polling, lag, DLQ."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.broker import create_broker
from shared.consuming import EventConsumer, Inbox
from shared.settings import Settings


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it holds or fail after ``timeout`` seconds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def running_consumer(
    settings: Settings,
    setup: Callable[[EventConsumer], None],
    *,
    service: str = "probe",
    inbox: Inbox | None = None,
    **kwargs: Any,
) -> AsyncIterator[EventConsumer]:
    """A started FastStream broker with handlers registered by ``setup``."""
    broker = create_broker(settings, service=service)
    consumer = EventConsumer(broker, service=service, settings=settings, inbox=inbox, **kwargs)
    setup(consumer)
    await broker.start()
    try:
        yield consumer
    finally:
        await broker.stop()


async def committed_lag(settings: Settings, group: str, topic: str) -> int:
    """End offsets minus the group's committed offsets, summed over partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in parts]
        ends = await consumer.end_offsets(tps)
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
        return sum(
            ends[tp]
            - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0)
            for tp in tps
        )
    finally:
        await consumer.stop()
        await admin.close()


async def read_all(
    settings: Settings, topic: str, expected: int, timeout: float = 30.0
) -> list[Any]:
    """Read ``expected`` records of ``topic`` from the beginning (for DLQ assertions)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for recs in batch.values():
                records.extend(recs)
    finally:
        await consumer.stop()
    return records
