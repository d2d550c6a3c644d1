"""Kafka plumbing: the FastStream broker and the outbox relay's producer.

Both are explicit about durability: ``acks="all"`` (the leader waits for every in-sync
replica) and ``enable_idempotence=True`` (broker-side dedup of producer retries, which
also keeps per-partition order across retries). Nothing here chooses topic names;
those come from :mod:`shared.events.registry` and settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

PRODUCER_DURABILITY: dict[str, Any] = {"acks": "all", "enable_idempotence": True}


def create_broker(settings: Settings | None = None, *, service: str = "duijie") -> KafkaBroker:
    """A FastStream KafkaBroker whose publishes (DLQ, replies) are durable."""
    settings = settings or get_settings()
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=f"duijie-{service}",
        acks="all",
        enable_idempotence=True,
        # Logging of every message is ours (JSON, with correlation ids), not FastStream's.
        log_level=logging.DEBUG,
    )


class EventProducer:
    """A started-on-demand aiokafka producer with the house durability settings.

    ``send`` returns the delivery future without waiting, so the relay can pipeline a
    batch and await the acknowledgements together.
    """

    def __init__(
        self, settings: Settings | None = None, *, client_id: str = "duijie-relay"
    ) -> None:
        self.settings = settings or get_settings()
        self.client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    @property
    def started(self) -> bool:
        return self._producer is not None

    async def start(self) -> None:
        async with self._lock:
            if self._producer is not None:
                return
            producer = AIOKafkaProducer(
                bootstrap_servers=self.settings.kafka_bootstrap,
                client_id=self.client_id,
                linger_ms=1,  # a millisecond buys batching under load, costs ~nothing idle
                request_timeout_ms=30_000,
                **PRODUCER_DURABILITY,
            )
            await producer.start()
            self._producer = producer

    async def stop(self) -> None:
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def send(
        self, topic: str, value: bytes, *, key: bytes | None, headers: dict[str, str]
    ) -> asyncio.Future[Any]:
        if self._producer is None:
            await self.start()
        assert self._producer is not None
        return await self._producer.send(
            topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
        )

    async def ping(self) -> bool:
        """True when the cluster answered a metadata request recently."""
        if self._producer is None:
            return False
        try:
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 5)
        except Exception:
            return False
        return True


def create_producer(
    settings: Settings | None = None, *, client_id: str = "duijie-relay"
) -> EventProducer:
    """The outbox relay's producer (not yet started; the relay starts it)."""
    return EventProducer(settings, client_id=client_id)


async def ensure_topics(
    topics: Iterable[str], settings: Settings | None = None, *, partitions: int = 3
) -> None:
    """Create topics that do not exist yet (idempotent; start-up and tests)."""
    settings = settings or get_settings()
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(t, num_partitions=partitions, replication_factor=1)
            for t in sorted(set(topics))
            if t not in existing
        ]
        if new:
            # Another process may win the race; the topic is then what we wanted anyway.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
    finally:
        await admin.close()


async def delete_topics(topics: Iterable[str], settings: Settings | None = None) -> None:
    """Delete topics if present (test clean-up)."""
    settings = settings or get_settings()
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = [t for t in set(topics) if t in existing]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()
