"""Transactional outbox without transactions: events live inside the aggregate.

A state change and its events are ONE MongoDB write: the aggregate document carries
``version: int`` and ``outbox: list[dict]`` (pending envelopes, JSON mode). Storage code
merges :func:`outbox_push` into its update, or wraps an insert with :func:`with_outbox`.

:class:`OutboxRelay` runs inside every service process. It wakes when storage calls
:meth:`OutboxRelay.wake` after a write, and also sweeps every ``interval`` seconds so
events stranded by a crash go out after a restart. Per document it publishes the
pending envelopes in array order (key = aggregate id, so they land in one partition in
order), awaits the broker's acks, then removes exactly those entries with ``$pullAll``
(matching the values it read, so events appended meanwhile stay). A crash after publish
and before clearing republishes on the next sweep: delivery is at-least-once and
consumers deduplicate on the event id. HTTP handlers never wait on the broker.

Why not ``$pull`` with a condition: FerretDB 1.x silently ignores it (modifies nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from shared.events import Envelope, registry
from shared.events.contracts import load_all
from shared.events.registry import UnknownEventType
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

OUTBOX_FIELD = "outbox"


class Producer(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(
        self, topic: str, value: bytes, *, key: bytes | None, headers: dict[str, str]
    ) -> asyncio.Future[Any]: ...


def _entries(envelopes: Iterable[Envelope | dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        e.model_dump(mode="json", exclude_none=True) if isinstance(e, Envelope) else dict(e)
        for e in envelopes
    ]


def outbox_push(envelopes: Iterable[Envelope | dict[str, Any]]) -> dict[str, Any]:
    """The ``$push`` fragment to merge into the same update as the state change."""
    return {"$push": {OUTBOX_FIELD: {"$each": _entries(envelopes)}}}


def with_outbox(
    doc: dict[str, Any], envelopes: Iterable[Envelope | dict[str, Any]]
) -> dict[str, Any]:
    """A copy of ``doc`` (for an insert) carrying its pending events."""
    out = dict(doc)
    out[OUTBOX_FIELD] = list(out.get(OUTBOX_FIELD) or []) + _entries(envelopes)
    return out


class OutboxRelay:
    """Drains pending events from the given collections to Kafka, in order per aggregate."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        collections: Sequence[str],
        producer: Producer,
        *,
        settings: Settings | None = None,
        service: str | None = None,
        interval: float = 5.0,
        batch_size: int = 500,
    ) -> None:
        load_all()
        self.db = db
        self.collections = list(collections)
        self.producer = producer
        self.settings = settings or get_settings()
        self.service = service or db.name
        self.interval = interval
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._hints: dict[str, set[Any]] = {}
        self._full = True  # the first pass is a sweep: publish what a crash left behind
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    async def start(self) -> None:
        if self._task is not None:
            return
        await self.producer.start()
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.service}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.producer.stop()

    def wake(self, collection: str | None = None, ids: Iterable[Any] | None = None) -> None:
        """Call after a write. With a collection and ids, only those documents are read
        (cheap); without, the next pass scans every collection."""
        if collection is None or ids is None:
            self._full = True
        else:
            self._hints.setdefault(collection, set()).update(ids)
        self._wake.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            if not self._wake.is_set():
                self._full = True  # interval elapsed: sweep
            self._wake.clear()
            full, hints = self._full, self._hints
            self._full, self._hints = False, {}
            try:
                await self.drain(None if full else hints)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Broker or database away: keep what we owed and retry on the next pass.
                log.exception("outbox relay pass failed; will sweep again")
                self._full = True
                await asyncio.sleep(min(self.interval, 1.0))

    async def drain(self, hints: dict[str, set[Any]] | None = None) -> int:
        """Publish pending events (all, or of the hinted documents); returns how many."""
        total = 0
        for name in self.collections:
            if hints is not None and name not in hints:
                continue
            col = self.db[name]
            if hints is None:
                query: dict[str, Any] = {f"{OUTBOX_FIELD}.0": {"$exists": True}}
            else:
                query = {"_id": {"$in": list(hints[name])}}
            while True:
                docs = await col.find(query, {OUTBOX_FIELD: 1}).limit(self.batch_size).to_list()
                docs = [d for d in docs if d.get(OUTBOX_FIELD)]
                if hints is None:
                    OUTBOX_BACKLOG.labels(self.service, name).set(
                        sum(len(d[OUTBOX_FIELD]) for d in docs)
                    )
                if not docs:
                    break
                sent = await self._publish_docs(col, docs)
                total += sent
                # Hinted reads are one round; a sweep repeats while full batches come back.
                if hints is not None or len(docs) < self.batch_size or sent == 0:
                    break
        self.published += total
        return total

    async def _publish_docs(self, col: Any, docs: list[dict[str, Any]]) -> int:
        pending: list[tuple[dict[str, Any], list[tuple[dict[str, Any], asyncio.Future[Any]]]]] = []
        for doc in docs:
            futures = []
            for entry in doc[OUTBOX_FIELD]:
                try:
                    topic = registry.topic_for(entry["type"], self.settings)
                except (UnknownEventType, KeyError):
                    # Later entries must wait: publishing past it would break order.
                    log.error(
                        "outbox entry of unknown type %r in %s", entry.get("type"), doc["_id"]
                    )
                    break
                headers = {"ce_id": entry["id"], "ce_type": entry["type"], "ce_specversion": "1.0"}
                for ext in ("traceparent", "correlationid"):
                    if entry.get(ext):
                        headers[ext] = entry[ext]
                value = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
                fut = await self.producer.send(
                    topic,
                    value,
                    key=str(entry.get("subject", doc["_id"])).encode(),
                    headers=headers,
                )
                futures.append((entry, fut))
            pending.append((doc, futures))

        published = 0
        for doc, futures in pending:
            done: list[dict[str, Any]] = []
            for entry, fut in futures:
                try:
                    await fut
                except Exception:
                    log.warning("publish of %s failed; it stays in the outbox", entry["id"])
                    break  # only a prefix may be cleared, or order would break
                done.append(entry)
                EVENTS_PUBLISHED.labels(
                    self.service, registry.topic_for(entry["type"], self.settings)
                ).inc()
            if done:
                await col.update_one({"_id": doc["_id"]}, {"$pullAll": {OUTBOX_FIELD: done}})
                published += len(done)
        return published
