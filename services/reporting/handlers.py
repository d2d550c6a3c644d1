"""The Kafka edge: every market's topics read into the read model, poison to the DLQ.

Not ``shared.consuming``'s per-message subscriber: the read model aggregates in memory
and its Kafka offsets are stored with its snapshot (``storage/snapshots.py``), so one
reader is assigned every partition of every consumed topic and seeks to the snapshot's
offsets; a consumer-group commit could run ahead of the snapshot and lose figures on a
crash. Messages are validated here (envelope, then the type's contract) and handed
inward as :class:`Incoming`; a malformed message, an unknown type or a payload its
contract rejects goes to ``<topic>.dlq`` with the reason in headers, and reading goes on.
Known types reporting does not use are skipped cheaply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from services.reporting.domain.districts import epoch
from services.reporting.domain.model import Incoming
from services.reporting.domain.rules import CASE_ENTITIES, OTHER_RECORDS, RULES_BY_TYPE, used
from services.reporting.usecases.project import Projector
from shared.broker import EventProducer
from shared.events import Envelope, dlq_topic, registry, topic_name
from shared.events.contracts import load_all
from shared.events.registry import UnknownEventType
from shared.settings import Settings

log = logging.getLogger(__name__)
load_all()  # every contract registered before the first message is translated
SOURCES = ("techtransfer", "catalogue", "talent", "scenarios", "roadshows", "identity", "matching")


def base_topics() -> list[str]:
    """The topics of every event type the read model uses: the registered topic of a type
    with a contract, ``<service>.<entity>`` for one assumed in the rules. Topics carrying
    nothing reporting uses (users, fair and seat registrations, ...) are not read."""
    load_all()
    known = [t for t in registry.types() if t.split(".")[0] in SOURCES and used(t)]
    assumed = {t.rsplit(".", 1)[0] for t in RULES_BY_TYPE if t not in registry.types()}
    return sorted(set(registry.topics(known)) | assumed | set(CASE_ENTITIES) | set(OTHER_RECORDS))


def consumed_topics(settings: Settings) -> list[str]:
    return [topic_name(t, settings) for t in base_topics()]


class Rejected(Exception):
    def __init__(self, reason: str, error: BaseException) -> None:
        super().__init__(str(error))
        self.reason, self.error = reason, error


def translate(raw: bytes | None) -> Incoming | None:
    """The envelope and its payload, validated; None for a type reporting does not use."""
    try:
        env = Envelope.model_validate_json(raw or b"")
    except ValidationError as exc:
        raise Rejected("malformed", exc) from exc
    try:
        model = registry.model_for(env.type)
    except UnknownEventType as exc:
        raise Rejected("unknown_type", exc) from exc
    if not used(env.type):
        return None  # a known type on a topic we read that has no effect here
    try:
        payload = model.model_validate(env.data)
    except ValidationError as exc:
        raise Rejected("invalid_payload", exc) from exc
    return Incoming(env.type, env.subject, env.version, epoch(env.time) or 0.0, payload.__dict__)


class TopicReader:
    """Reads the consumed topics from the snapshot's offsets into a :class:`Projector`."""

    def __init__(self, projector: Projector, settings: Settings, producer: EventProducer) -> None:
        self.projector = projector
        self.settings = settings
        self.producer = producer
        self.topics = consumed_topics(settings)
        self.consumer: AIOKafkaConsumer | None = None
        self.assigned: set[TopicPartition] = set()
        self.dead_lettered = 0
        self.caught_up = asyncio.Event()

    async def start(self) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False,
            client_id="duijie-reporting", max_partition_fetch_bytes=4 * 1024 * 1024,
        )  # fmt: skip
        await self.consumer.start()
        await self.refresh()

    async def stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()

    async def refresh(self) -> None:
        """Assign every partition of the consumed topics that exist (new ones included),
        positioned at the snapshot's offsets (the beginning when it has none)."""
        assert self.consumer is not None
        await self.consumer._client.force_metadata_update()
        parts = set()
        for topic in self.topics:
            for p in self.consumer.partitions_for_topic(topic) or ():
                parts.add(TopicPartition(topic, p))
        self.consumer.assign(sorted(parts, key=lambda tp: (tp.topic, tp.partition)))
        self.assigned = parts
        await self.seek()

    async def seek(self) -> None:
        assert self.consumer is not None
        offsets = self.projector.offsets
        fresh = []
        for tp in self.assigned:
            at = offsets.get((tp.topic, tp.partition))
            if at is None:
                fresh.append(tp)
            else:
                self.consumer.seek(tp, at)
        if fresh:
            await self.consumer.seek_to_beginning(*fresh)

    async def _dead_letter(self, message: Any, rejected: Rejected) -> None:
        headers = {
            "dlq-reason": rejected.reason, "dlq-error-type": type(rejected.error).__name__,
            "dlq-error-message": str(rejected.error)[:2000], "dlq-attempts": "0",
            "dlq-original-topic": message.topic, "dlq-original-partition": str(message.partition),
            "dlq-original-offset": str(message.offset), "dlq-consumer-group": "reporting",
        }  # fmt: skip
        future = await self.producer.send(
            dlq_topic(message.topic), message.value or b"", key=message.key, headers=headers
        )
        await future
        self.dead_lettered += 1
        log.error("dead-lettered %s/%s@%s: %s", message.topic, message.partition,
                  message.offset, rejected.reason)  # fmt: skip

    async def poll_once(self, timeout_ms: int = 500) -> int:
        """Read and apply one batch; returns the messages read (0: idle)."""
        assert self.consumer is not None
        batches = await self.consumer.getmany(timeout_ms=timeout_ms, max_records=20_000)
        batch = []
        for messages in batches.values():
            for m in messages:
                try:
                    incoming = translate(m.value)
                except Rejected as rejected:
                    await self._dead_letter(m, rejected)
                    incoming = None
                batch.append((m.topic, m.partition, m.offset, incoming))
        self.projector.apply(batch)
        return len(batch)

    async def lag(self) -> int:
        """Messages on the assigned partitions not read yet."""
        assert self.consumer is not None
        if not self.assigned:
            return 0
        ends = await self.consumer.end_offsets(list(self.assigned))
        behind = 0
        for tp, end in ends.items():
            behind += max(0, end - await self.consumer.position(tp))
        return behind

    async def run(self, *, refresh_seconds: float = 30.0) -> None:
        """Forever: read, checkpoint when due, pick up new topics and swapped snapshots.
        A failure (the DLQ or the database away) is logged and the reader seeks back to
        what it has applied, so nothing read but not applied is skipped."""
        refreshed = time.monotonic()
        pause = 0.5
        while True:
            try:
                read = await self.poll_once()
                idle = read == 0
                if idle:
                    self.caught_up.set()
                if self.projector.due(idle):
                    await self.projector.save()
                if time.monotonic() - refreshed > refresh_seconds:
                    refreshed = time.monotonic()
                    if await self.projector.reload_if_swapped():
                        await self.seek()
                    await self.refresh()
                pause = 0.5
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reporting reader failed; seeking back and retrying")
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
                with contextlib.suppress(Exception):
                    await self.seek()
