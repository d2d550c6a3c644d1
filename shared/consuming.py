"""Safe event consumption over FastStream: at-least-once, bounded retries, a DLQ.

Usage (in a service's event-handler module)::

    consumer = EventConsumer(broker, service="matching", settings=settings, inbox=Inbox(db))

    @consumer.on(TechNeedPublished, TechNeedUpdated)
    async def project_need(need: TechNeedPublished | TechNeedUpdated, event: Envelope) -> None:
        ...  # an idempotent effect

Design:
- One FastStream subscriber per topic, consumer group ``<group_prefix>.<service>.<topic>``
  (from settings), ``auto_offset_reset="earliest"``.
- Offsets: ``AckPolicy.MANUAL`` with auto-commit off, committed in batches by
  :class:`OffsetCommitter`. A message's offset is recorded as done only after the
  handler returned (or the message was parked on the DLQ); the committer commits the
  done offsets every ``commit_interval`` seconds, at once after ``commit_every``
  messages, for revoked partitions on a rebalance, and on shutdown. One commit per
  100 ms instead of one per message is what lets a partition move at Kafka's pace; a
  crash redelivers at most that window, which the inbox / idempotent effects absorb.
  If even the DLQ publish fails the message is nacked (the consumer seeks back) and
  retried: an outage stops the partition, it never skips a message. (FastStream's
  default, ACK_FIRST, commits before handling: at-most-once; not used.)
- Body handling: the subscriber takes raw bytes. Malformed JSON, an envelope that does
  not validate, an unknown ``type`` or a payload its contract rejects go straight to
  ``<topic>.dlq``: retrying cannot fix them. Known types without a handler here are
  acknowledged and skipped.
- Retries: a failing handler is retried in place ``max_attempts`` times in total with
  exponential backoff (``backoff`` doubling up to ``backoff_max``), then the message goes
  to ``<topic>.dlq`` with its original key, body and headers plus ``dlq-reason``,
  ``dlq-error-type``, ``dlq-error-message``, ``dlq-attempts``, ``dlq-original-topic``,
  ``-partition``, ``-offset`` and ``dlq-consumer-group``, and the consumer moves on.
  A handler can raise :class:`PermanentError` to skip the retries.
- Outages: an error that says a dependency is unreachable (``shared.transient``: the
  database, OpenSearch, Kafka, a peer service; connection refused, timeouts, "database
  is locked") is not the message's fault: it is not counted as an attempt and never
  dead-letters. The partition pauses on that message and retries with backoff (doubling
  up to ``outage_backoff_max``) for as long as the outage lasts; ``paused`` and the
  ``duijie_consumer_paused`` gauge say which dependency it waits for.
- Shutdown (SIGTERM): the consumer stops taking messages, lets the ones in flight finish
  for ``grace`` seconds (one paused on an outage is handed back: not committed, so the
  next owner redelivers it), commits the done offsets, then leaves the group.
- Idempotency: with an :class:`Inbox`, an event id already recorded for this group is
  acknowledged without running the handler, and the id is recorded after the handler
  succeeds (unique ``_id``). A crash between effect and record re-runs the handler once,
  so effects should still be idempotent by construction where they can be (versioned
  upserts, ``version_type=external`` for OpenSearch via :mod:`shared.search`).
- Observability: the handler runs in a CONSUMER span whose parent is the envelope's
  ``traceparent``, with the envelope's correlation id bound for logs and new events;
  metrics count consumed/retried/dead-lettered and time the handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from prometheus_client import Gauge
from pydantic import BaseModel, ValidationError
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.events import Envelope, dlq_topic, registry
from shared.events.asyncapi import documented_body
from shared.events.contracts import load_all
from shared.events.registry import UnknownEventType, topic_name
from shared.observability import (
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_RETRIED,
    HANDLER_LATENCY,
    bound_correlation_id,
    context_from_traceparent,
    tracer,
)
from shared.settings import Settings, get_settings
from shared.transient import unavailable

log = logging.getLogger(__name__)

CONSUMER_PAUSED = Gauge(
    "duijie_consumer_paused",
    "1 while a consumer waits for an unreachable dependency",
    ["service", "topic", "dependency"],
)

Handler = Callable[[Any, Envelope], Awaitable[None]]


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: the message goes to the DLQ now."""


class ConsumerStopping(Exception):
    """The consumer is shutting down while a message waits out an outage: the message is
    handed back (not committed) for the next owner."""


class Inbox:
    """Processed event ids per consumer group, one document each (``_id`` is unique)."""

    def __init__(self, db: AsyncDatabase[Any], collection: str = "inbox") -> None:
        self.col = db[collection]

    async def seen(self, scope: str, event_id: str) -> bool:
        return await self.col.find_one({"_id": f"{scope}/{event_id}"}, {"_id": 1}) is not None

    async def record(self, scope: str, event_id: str) -> None:
        # A concurrent redelivery may have recorded it first: same outcome.
        with contextlib.suppress(DuplicateKeyError):
            await self.col.insert_one({"_id": f"{scope}/{event_id}", "at": time.time()})


class OffsetCommitter(ConsumerRebalanceListener):
    """Batched offset commits for one subscriber (it is also its rebalance listener).

    Messages arrive in offset order per partition. Handled one at a time, a done message
    means every earlier one is done: the next offset to commit is the done offset + 1.
    Handled concurrently (:class:`EventConsumer` ``concurrency`` > 1), each message is
    registered with :meth:`started` when it is dispatched, and the commit point is the
    lowest offset still in flight: never past a message not yet finished. Nothing is
    recorded for a message that failed (it is nacked and redelivered), so a commit never
    passes an unprocessed message. Commits are explicit per partition, and only for
    partitions this consumer still owns; a partition taken away before its commit is
    redelivered to its next owner (at-least-once).
    """

    def __init__(self, *, interval: float = 0.1, every: int = 200) -> None:
        self.interval = interval
        self.every = every
        self._consumer: Any = None
        self._next: dict[TopicPartition, int] = {}
        self._count = 0
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._inflight: dict[TopicPartition, set[int]] = {}
        self._high: dict[TopicPartition, int] = {}  # past the highest done offset

    def started(self, topic: str, partition: int, offset: int) -> None:
        """A message was dispatched to a concurrent handler (see the class doc)."""
        self._inflight.setdefault(TopicPartition(topic, partition), set()).add(offset)

    def done(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        """Record a handled message; it is committed within ``interval`` seconds."""
        tp = TopicPartition(topic, partition)
        inflight = self._inflight.get(tp)
        if inflight is not None:
            inflight.discard(offset)
        if not callable(getattr(consumer, "assignment", None)):
            return  # FastStream's in-memory test broker: nothing to commit
        self._consumer = consumer
        self._high[tp] = max(self._high.get(tp, 0), offset + 1)
        commit_at = min(inflight) if inflight else self._high[tp]
        if commit_at <= self._next.get(tp, -1):
            return
        self._next[tp] = commit_at
        self._count += 1
        if self._count >= self.every:
            self._kick.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="offset-committer")

    def pending(self) -> dict[TopicPartition, int]:
        return dict(self._next)

    async def _run(self) -> None:
        while self._next:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), self.interval)
            self._kick.clear()
            await self.flush()

    async def flush(self, partitions: set[TopicPartition] | None = None) -> None:
        """Commit the done offsets (of ``partitions``, or all) now."""
        async with self._lock:
            consumer = self._consumer
            if consumer is None or not self._next:
                return
            owned = consumer.assignment()
            for tp in [tp for tp in self._next if tp not in owned]:
                del self._next[tp]  # lost in a rebalance: its next owner redelivers
            batch = {
                tp: off for tp, off in self._next.items() if partitions is None or tp in partitions
            }
            if not batch:
                return
            self._count = 0
            try:
                await consumer.commit(batch)
            except Exception as exc:
                # Kept for the next try; at worst uncommitted messages are redelivered.
                log.warning("offset commit failed (%r); will retry", exc)
                return
            for tp, off in batch.items():
                if self._next.get(tp) == off:  # not superseded while committing
                    del self._next[tp]

    async def stop(self) -> None:
        """Final commit of everything done (shutdown)."""
        task, self._task = self._task, None
        await self.flush()
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def on_partitions_revoked(self, revoked: Any) -> None:
        await self.flush(set(revoked))

    async def on_partitions_assigned(self, assigned: Any) -> None:
        return None


class _Rejected(Exception):
    """A message that retries cannot fix (bad JSON, unknown type, invalid payload)."""

    def __init__(self, reason: str, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.reason = reason
        self.cause = cause


class EventConsumer:
    """Registers typed handlers and wires one safe FastStream subscriber per topic."""

    def __init__(
        self,
        broker: KafkaBroker,
        *,
        service: str,
        settings: Settings | None = None,
        inbox: Inbox | None = None,
        max_attempts: int = 4,
        backoff: float = 0.05,
        backoff_max: float = 2.0,
        commit_interval: float = 0.1,
        commit_every: int = 200,
        concurrency: int = 1,
        outage_backoff_max: float = 5.0,
        grace: float = 10.0,
    ) -> None:
        load_all()
        self.broker = broker
        self.service = service
        self.settings = settings or get_settings()
        self.inbox = inbox
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.backoff_max = backoff_max
        self._handlers: dict[str, dict[str, Handler]] = {}  # topic -> type -> handler
        self._commit: dict[str, Any] = {"interval": commit_interval, "every": commit_every}
        self.committers: dict[str, OffsetCommitter] = {}
        self.concurrency = max(1, concurrency)
        self.outage_backoff_max = outage_backoff_max
        self.grace = grace
        #: topic -> (dependency, since): partitions waiting for an unreachable dependency
        self.paused: dict[str, tuple[str, float]] = {}
        self._stopping = asyncio.Event()
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def group_for(self, topic: str) -> str:
        return f"{self.settings.group_prefix}.{self.service}.{topic}"

    def on(self, *models: type[BaseModel]) -> Callable[[Handler], Handler]:
        """Decorator: run the handler for events of these contract models."""

        def decorate(fn: Handler) -> Handler:
            for model in models:
                type_ = registry.type_of(model)
                topic = registry.topic_for(type_, self.settings)
                if topic not in self._handlers:
                    self._handlers[topic] = {}
                    self._subscribe(topic)
                self._handlers[topic][type_] = fn
            return fn

        return decorate

    def topics(self) -> list[str]:
        return sorted(self._handlers)

    def _subscribe(self, topic: str) -> None:
        base = topic.removeprefix(self.settings.topic_prefix)
        handled = registry.types_on(base)
        body_annotation = documented_body(handled)

        async def raw_body(msg: Any) -> Any:
            return msg.body  # undecoded: malformed JSON must reach us, not crash FastStream

        committer = self.committers[topic] = OffsetCommitter(**self._commit)
        lanes = _KeyedLanes(self.concurrency) if self.concurrency > 1 else None

        async def receive(body: Any, message: KafkaMessage) -> None:
            raw: Any = message.raw_message  # one ConsumerRecord (not a batch subscriber)
            if self._stopping.is_set():
                await message.nack()  # shutting down: left for the partition's next owner
                return
            if lanes is not None:
                committer.started(raw.topic, raw.partition, raw.offset)
                await lanes.dispatch(raw.key, self._process_until_done(topic, message, committer))
                return
            self._enter()
            try:
                await self._process(topic, message)
            except ConsumerStopping:
                await message.nack()
                return
            except BaseException:
                await message.nack()  # seek back: redelivered, never committed past
                raise
            finally:
                self._leave()
            committer.done(message.consumer, raw.topic, raw.partition, raw.offset)

        # Set after definition: with postponed annotations a local name would not resolve.
        receive.__annotations__ = {"body": body_annotation, "message": KafkaMessage, "return": None}

        receive.__name__ = f"consume_{base.replace('.', '_')}"
        subscriber = self.broker.subscriber(
            topic,
            group_id=self.group_for(topic),
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,  # offsets go through the committer
            listener=committer,
            decoder=raw_body,
            title=f"{self.service}:consume:{base}",
            description=f"Consumed by {self.service}. Failures go to {dlq_topic(topic)}.",
        )
        subscriber(receive)
        stop = subscriber.stop

        async def stop_after_commit() -> None:
            # No new message is taken; handlers in flight finish (or are cancelled after
            # the grace period: redelivered), then the last done offsets are committed
            # before the consumer leaves the group.
            self._stopping.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), self.grace)
            if lanes is not None:
                await lanes.drain(grace=self.grace)
            await committer.stop()
            await stop()

        subscriber.stop = stop_after_commit  # type: ignore[method-assign]

    async def _process_until_done(
        self, topic: str, message: Any, committer: OffsetCommitter
    ) -> None:
        """A concurrent handler cannot nack (the consumer has moved on): if even the DLQ
        is unreachable it tries again, holding its key and the commit point, so an outage
        still never skips a message."""
        raw = message.raw_message
        pause = self.backoff
        while True:
            try:
                await self._process(topic, message)
                break
            except ConsumerStopping:
                return  # not marked done: the commit point stays before it
            except Exception:
                log.exception("message %s/%s@%s not settled; retrying", *_where(raw))
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.backoff_max)
        committer.done(message.consumer, raw.topic, raw.partition, raw.offset)

    async def _process(self, topic: str, message: Any) -> None:
        started = time.perf_counter()
        try:
            outcome = await self._handle(topic, message)
        except _Rejected as rejected:
            await self._dead_letter(topic, message, rejected.reason, rejected.cause, attempts=0)
            outcome = "dead_lettered"
        EVENTS_CONSUMED.labels(self.service, topic, outcome).inc()
        HANDLER_LATENCY.labels(self.service, topic).observe(time.perf_counter() - started)

    async def _handle(self, topic: str, message: Any) -> str:
        try:
            envelope = Envelope.from_json_bytes(message.body)
        except ValidationError as exc:
            raise _Rejected("malformed", exc) from exc
        try:
            model = registry.model_for(envelope.type)
        except UnknownEventType as exc:
            raise _Rejected("unknown_type", exc) from exc
        handler = self._handlers.get(topic, {}).get(envelope.type)
        if handler is None:
            return "skipped"
        try:
            payload = model.model_validate(envelope.data)
        except ValidationError as exc:
            raise _Rejected("invalid_payload", exc) from exc

        scope = self.group_for(topic)
        parent = context_from_traceparent(envelope.traceparent)
        with (
            bound_correlation_id(envelope.correlationid),
            tracer().start_as_current_span(
                f"consume {envelope.type}", context=parent, kind=trace.SpanKind.CONSUMER
            ) as span,
        ):
            span.set_attribute("messaging.message.id", envelope.id)
            last: BaseException | None = None
            attempt, outage_pause = 1, self.backoff
            while attempt <= self.max_attempts:
                try:
                    if self.inbox is not None and await self.inbox.seen(scope, envelope.id):
                        return "duplicate"
                    await handler(payload, envelope)
                    if self.inbox is not None:
                        await self.inbox.record(scope, envelope.id)
                    self._resumed(topic)
                    return "ok"
                except PermanentError as exc:
                    self._resumed(topic)
                    await self._dead_letter(topic, message, "permanent", exc, attempts=attempt)
                    return "dead_lettered"
                except Exception as exc:
                    dependency = unavailable(exc)
                    if dependency is not None:  # not the message's fault: not an attempt
                        await self._wait_out(topic, dependency, exc, outage_pause)
                        outage_pause = min(outage_pause * 2, self.outage_backoff_max)
                        continue
                    self._resumed(topic)
                    last = exc
                    log.warning(
                        "handler %s failed on %s (attempt %d/%d): %r",
                        handler.__name__,
                        envelope.id,
                        attempt,
                        self.max_attempts,
                        exc,
                    )
                    if attempt < self.max_attempts:
                        EVENTS_RETRIED.labels(self.service, topic).inc()
                        await asyncio.sleep(
                            min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
                        )
                    attempt += 1
            assert last is not None
            await self._dead_letter(
                topic, message, "handler_failed", last, attempts=self.max_attempts
            )
            return "dead_lettered"

    def _enter(self) -> None:
        self._inflight += 1
        self._idle.clear()

    def _leave(self) -> None:
        self._inflight -= 1
        if self._inflight <= 0:
            self._idle.set()

    async def _wait_out(
        self, topic: str, dependency: str, exc: BaseException, pause: float
    ) -> None:
        """Pause this partition for ``pause`` seconds while ``dependency`` is away (raises
        :class:`ConsumerStopping` when the consumer shuts down meanwhile)."""
        now = time.monotonic()
        since = self.paused.get(topic, (dependency, now))[1]
        if topic not in self.paused:
            CONSUMER_PAUSED.labels(self.service, topic, dependency).set(1)
            log.warning("%s: %s unreachable (%r); pausing and retrying", topic, dependency, exc)
        elif int(now - since) // 30 != int(now - since - pause) // 30:
            log.warning("%s: still waiting for %s after %.0f s", topic, dependency, now - since)
        self.paused[topic] = (dependency, since)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), pause)
        if self._stopping.is_set():
            raise ConsumerStopping(topic)

    def _resumed(self, topic: str) -> None:
        entry = self.paused.pop(topic, None)
        if entry is not None:
            CONSUMER_PAUSED.labels(self.service, topic, entry[0]).set(0)
            log.warning("%s: %s back after %.1f s", topic, entry[0], time.monotonic() - entry[1])

    async def _dead_letter(
        self, topic: str, message: Any, reason: str, error: BaseException, *, attempts: int
    ) -> None:
        raw = message.raw_message
        headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
        headers.update(
            {
                "dlq-reason": reason,
                "dlq-error-type": type(error).__name__,
                "dlq-error-message": str(error)[:2000],
                "dlq-attempts": str(attempts),
                "dlq-original-topic": topic,
                "dlq-original-partition": str(raw.partition),
                "dlq-original-offset": str(raw.offset),
                "dlq-consumer-group": self.group_for(topic),
            }
        )
        # Raises if the broker is away: the message is then nacked and retried later,
        # never silently dropped.
        await self.broker.publish(message.body, dlq_topic(topic), key=raw.key, headers=headers)
        EVENTS_DEAD_LETTERED.labels(self.service, topic, reason).inc()
        log.error(
            "dead-lettered %s/%s@%s to %s: %s %s",
            topic,
            raw.partition,
            raw.offset,
            dlq_topic(topic),
            type(error).__name__,
            error,
        )


class _KeyedLanes:
    """Runs up to ``limit`` handlers at once, one at a time per message key, in arrival
    order per key: events of one aggregate keep their order, different aggregates
    overlap their waits on the database and the search engine."""

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._tails: dict[Any, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def dispatch(self, key: Any, work: Awaitable[None]) -> None:
        await self._slots.acquire()  # backpressure: the subscriber waits for a free slot
        before = self._tails.get(key)

        async def run() -> None:
            try:
                if before is not None:
                    await asyncio.wait({before})  # however it ended; our own cancel raises
                await work
            finally:
                self._slots.release()
                if self._tails.get(key) is task:
                    del self._tails[key]

        task = asyncio.create_task(run())
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, grace: float) -> None:
        """Let the handlers in flight finish for ``grace`` seconds, then cancel the rest
        (their messages are not committed: redelivered)."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


def _where(raw: Any) -> tuple[Any, Any, Any]:
    return raw.topic, raw.partition, raw.offset


def consumer_topic(base: str, settings: Settings | None = None) -> str:
    """The full name of a base topic (re-exported for handler modules)."""
    return topic_name(base, settings)
