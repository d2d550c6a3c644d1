"""Transactional outbox without transactions: events live inside the aggregate.

A state change and its events are ONE MongoDB write: the aggregate document carries
``version: int`` and ``outbox: list[dict]`` (pending envelopes, JSON mode). Storage code
merges :func:`outbox_push` into its update, or wraps an insert with :func:`with_outbox`.
The outbox is append-only: owners never remove entries.

:class:`OutboxRelay` runs inside every service process. It wakes when storage calls
:meth:`OutboxRelay.wake` after a write, and also sweeps every ``interval`` seconds so
events stranded by a crash go out after a restart. Per document it publishes the
entries past its high-water mark in array order (key = aggregate id, so they land in one
partition in order), awaits the broker's acks, then records the new mark. A crash after
publish and before the mark republishes on the next sweep: delivery is at-least-once
and consumers deduplicate on the event id. HTTP handlers never wait on the broker.

Why a mark in a side collection (``outbox_marks``) instead of clearing the array: the
relay must never write the aggregate document. FerretDB 1.x applies updates as a
non-atomic read-modify-write, so a relay update racing a service update on the same
document loses one of them; a stress test lost both events and ``version`` bumps that
way. Marks are written only by the relay, and a lost mark only causes a republish.
(``$pull`` with a condition and ``$push`` with ``$slice`` are silently ignored by
FerretDB 1.x too, so neither trimming trick is available.)

Two ways in. The fast path: storage code calls :func:`outbox_landed` right after its
write succeeded, handing the relay the very entries it staged, which go to Kafka from
memory with no read at all (a ``find_one`` of an aggregate carrying its outbox costs
2-4 ms of FerretDB's CPU, which capped the relay at ~300 events/s). The read path: a
bare :meth:`OutboxRelay.wake` (or a hint) reads the staged documents by ``_id``, and the
interval sweep reads every collection; both publish the entries past the marks.

Marks are insert-only (``_id`` ``<collection>/<doc>@<last published event id>``) because
FerretDB runs an upsert as a read-modify-write, 10-20 ms each under load; a background
writer inserts each batch with one unordered ``insert_many``, so the next pass does not
wait for them. A mark names the last event it covers, not a position, so the fast path
can write one without reading the array; the furthest mark of a document is the one
whose event sits latest in its outbox, and sweeps delete the others. The relay keeps the
marks in memory (loaded by every sweep, added to by its own publishes). A mark written
late or lost only means a republish after a restart (at-least-once, as above); a mark
another relay process wrote and this one has not seen yet likewise.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
from collections.abc import Container, Iterable, Sequence
from typing import Any, Protocol

from pymongo import DeleteOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from shared.events import Envelope, registry
from shared.events.contracts import load_all
from shared.events.registry import UnknownEventType
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

OUTBOX_FIELD = "outbox"
MARKS_COLLECTION = "outbox_marks"


class Producer(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(
        self, topic: str, value: bytes, *, key: bytes | None, headers: dict[str, str]
    ) -> asyncio.Future[Any]: ...


class _Staged:
    """Aggregate ids (event subjects, or document ids) whose events this process staged
    for a write and no relay has published yet. A bare :meth:`OutboxRelay.wake` reads
    just these documents instead of scanning every collection (the outbox is
    append-only, so a scan reads every aggregate ever written).

    Staging happens when the update is built, before the write lands; only the
    ``wake()`` after the write says it landed. Each id counts its stagings and its landed
    writes, and a pass may settle (forget) an id only if every staging had landed when
    the pass took it: otherwise the pass may have read the document before a write and
    would forget the id with that write's event unpublished. A bare ``wake()`` counts as
    landed only the stagings made by its own task (a request or a message handler):
    another task's write to the same aggregate may still be in flight (seen: concurrent
    requests stranded events until the 30 s sweep in the pipeline benchmark)."""

    def __init__(self, max_age: float = 120.0) -> None:
        self.max_age = max_age
        self._ids: dict[Any, list[Any]] = {}  # id -> [first staged at, staged, landed]

    def add(self, ids: Iterable[Any]) -> None:
        now = time.monotonic()
        mine = _mine(create=True)
        for i in ids:
            entry = self._ids.setdefault(i, [now, 0, 0])
            entry[1] += 1
            # keyed by this registry and holding the entry itself, so a count never lands
            # on an entry that was settled or expired and staged anew meanwhile
            _, n = mine.get((id(self), i), (entry, 0))
            mine[(id(self), i)] = (entry, n + 1)

    def woken(self, ids: Iterable[Any] | None = None) -> None:
        """Writes have landed: the current task's stagings (``ids`` None), or all the
        stagings of ``ids`` (a caller that names what it wrote)."""
        mine = _mine(create=False)
        if ids is None:
            for key in [k for k in mine if k[0] == id(self)]:
                entry, n = mine.pop(key)
                current = self._ids.get(key[1])
                if current is not None and current is entry:
                    current[2] = min(current[2] + n, current[1])
            return
        for i in ids:
            mine.pop((id(self), i), None)
            if i in self._ids:
                self._ids[i][2] = self._ids[i][1]

    def take(self) -> dict[Any, int]:
        """The ids with a landed write to read, with their staging counts (-1: another
        write may still be in flight, so this pass must not settle it). Ids whose writes
        are all in flight are left for a later pass: reading them finds nothing new, and
        under load (many requests in flight, each read in every collection) it was most
        of the database's work. Ids older than ``max_age`` are dropped (a failed write
        stages an id no document will ever show: the sweep covers it)."""
        cutoff = time.monotonic() - self.max_age
        for i in [i for i, (first, _, _) in self._ids.items() if first < cutoff]:
            del self._ids[i]
        return {
            i: n if landed >= n else -1 for i, (_, n, landed) in self._ids.items() if landed > 0
        }

    def settle(self, taken: dict[Any, int], ids: Iterable[Any]) -> None:
        for i in ids:
            if taken.get(i, -1) >= 0 and i in self._ids and self._ids[i][1] == taken[i]:
                del self._ids[i]

    def release(self, ids: Iterable[Any]) -> None:
        """One staging of each id by the current task landed and went to a relay whole
        (:func:`outbox_landed`): no pass needs to read it for that write."""
        mine = _mine(create=False)
        for i in ids:
            held = mine.pop((id(self), i), None)
            if held is None:
                continue
            entry, n = held
            if n > 1:
                mine[(id(self), i)] = (entry, n - 1)
            current = self._ids.get(i)
            if current is not None and current is entry:
                current[1] -= 1
                current[2] = min(current[2], current[1])
                if current[1] <= 0:
                    del self._ids[i]


#: the current task's stagings not yet woken: (owner task, id -> count). The owner is
#: kept because a context copied into a new task shares the same dict object.
_MINE: contextvars.ContextVar[tuple[int, dict[Any, Any]] | None] = contextvars.ContextVar(
    "outbox_staged_here", default=None
)


def _current_task_id() -> int:
    try:
        return id(asyncio.current_task())
    except RuntimeError:  # no running loop (synchronous code)
        return 0


def _mine(*, create: bool) -> dict[Any, Any]:
    owner, held = _MINE.get() or (None, None)
    if held is not None and owner == _current_task_id():
        return held
    fresh: dict[Any, Any] = {}
    if create:
        _MINE.set((_current_task_id(), fresh))
    return fresh


STAGED = _Staged()


def _entries(
    envelopes: Iterable[Envelope | dict[str, Any]], doc_id: Any = None
) -> list[dict[str, Any]]:
    entries = [
        e.model_dump(mode="json", exclude_none=True) if isinstance(e, Envelope) else dict(e)
        for e in envelopes
    ]
    STAGED.add(_keys(entries, doc_id))
    return entries


def _keys(entries: Iterable[dict[str, Any]], doc_id: Any) -> set[Any]:
    """What one staging registers: the document's id and its events' subjects, once each."""
    keys = {e["subject"] for e in entries if e.get("subject") is not None}
    if doc_id is not None:
        keys.add(doc_id)
    return keys


def outbox_push(
    envelopes: Iterable[Envelope | dict[str, Any]], *, doc_id: Any = None
) -> dict[str, Any]:
    """The ``$push`` fragment to merge into the same update as the state change. Pass the
    document's ``doc_id`` when it is not the events' subject, so a bare wake finds it."""
    return {"$push": {OUTBOX_FIELD: {"$each": _entries(envelopes, doc_id)}}}


def with_outbox(
    doc: dict[str, Any], envelopes: Iterable[Envelope | dict[str, Any]]
) -> dict[str, Any]:
    """A copy of ``doc`` (for an insert) carrying its pending events."""
    out = dict(doc)
    out[OUTBOX_FIELD] = list(out.get(OUTBOX_FIELD) or []) + _entries(envelopes, doc.get("_id"))
    return out


def outbox_landed(collection: Any, written: dict[str, Any], doc_id: Any = None) -> None:
    """Call right after a write carrying events succeeded: the insert of ``written`` (from
    :func:`with_outbox`), or the update ``written`` (with :func:`outbox_push` merged in)
    that matched document ``doc_id``. The relay of this process that drains
    ``collection`` publishes those very entries from memory, without reading the
    document back. Never call it for a write that failed or matched nothing: its events
    would go out though its state never landed. Without a running relay it does nothing
    and the staged ids wait for a bare wake or the sweep."""
    if doc_id is None:
        doc_id = written["_id"]
    entries = written.get(OUTBOX_FIELD)
    if entries is None:
        entries = ((written.get("$push") or {}).get(OUTBOX_FIELD) or {}).get("$each")
    relay = _RELAYS.get((collection.database.name, collection.name))
    if not entries or relay is None:
        return
    STAGED.release(_keys(entries, doc_id))
    relay.landed(collection.name, doc_id, list(entries))


#: the running relay of each (database, collection) in this process, for outbox_landed
_RELAYS: dict[tuple[str, str], OutboxRelay] = {}


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
        interval: float = 30.0,
        batch_size: int = 500,
        mark_delay: float = 0.1,
    ) -> None:
        load_all()
        self.db = db
        self.marks = db[MARKS_COLLECTION]
        self.collections = list(collections)
        self.producer = producer
        self.settings = settings or get_settings()
        self.service = service or db.name
        self.interval = interval
        self.batch_size = batch_size
        self.mark_delay = mark_delay
        self._wake = asyncio.Event()
        self._hints: dict[str, set[Any]] = {}
        self._landed: list[tuple[str, Any, list[dict[str, Any]]]] = []  # the fast path
        self._staged = False
        self._settled: set[Any] = set()
        self._full = True  # the first pass is a sweep: publish what a crash left behind
        self._task: asyncio.Task[None] | None = None
        self.published = 0
        # document (``<collection>/<id>``) -> {last published event id: mark _id}
        self._known: dict[str, dict[str, str]] = {}
        self._loaded: set[str] = set()  # collections whose marks a sweep has read
        self._stale: set[str] = set()  # marks a further one supersedes, deleted by sweeps
        self._send_failed = False  # this pass: a send failed (its document is hinted)
        self._dirty: dict[str, dict[str, Any]] = {}  # marks not yet written
        self._writer: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()  # one bulk write at a time

    async def start(self) -> None:
        if self._task is not None:
            return
        await self.producer.start()
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.service}")
        for name in self.collections:
            _RELAYS[(self.db.name, name)] = self

    async def stop(self) -> None:
        for name in self.collections:
            if _RELAYS.get((self.db.name, name)) is self:
                del _RELAYS[(self.db.name, name)]
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        try:
            await self.flush_marks()
        except Exception:
            log.warning("outbox marks not written at stop; the next start republishes")
        await self.producer.stop()

    def wake(self, collection: str | None = None, ids: Iterable[Any] | None = None) -> None:
        """Call after a write. With a collection and ids, only those documents are read;
        without, the documents whose events this process staged (see :class:`_Staged`).
        Either way the pass is cheap; the interval sweep scans everything."""
        if collection is None or ids is None:
            STAGED.woken()
            self._staged = True
        else:
            ids = set(ids)
            STAGED.woken(ids)
            self._hints.setdefault(collection, set()).update(ids)
        self._wake.set()

    def landed(self, collection: str, doc_id: Any, entries: list[dict[str, Any]]) -> None:
        """Entries a write just stored in ``doc_id`` (see :func:`outbox_landed`): the next
        pass publishes them as they are, before anything it reads."""
        self._landed.append((collection, doc_id, entries))
        self._wake.set()

    async def _run(self) -> None:
        while True:
            if not (self._full or self._hints or self._landed):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
                if not self._wake.is_set():
                    self._full = True  # interval elapsed: sweep
            self._wake.clear()
            full, hints, staged = self._full, self._hints, self._staged
            landed, self._landed = self._landed, []
            self._full, self._hints, self._staged = False, {}, False
            taken = STAGED.take() if staged and not full else {}
            for name in self.collections if taken else ():
                hints.setdefault(name, set()).update(taken)
            self._send_failed = False
            try:
                self._settled = set()
                await self._publish_landed(landed)
                await self.drain(None if full else hints)
                STAGED.settle(taken, self._settled)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Broker or database away: keep what we owed and retry on the next pass.
                log.exception("outbox relay pass failed; will sweep again")
                self._full = self._send_failed = True
            if self._send_failed:
                await asyncio.sleep(min(self.interval, 1.0))  # no tight loop on a broker away

    async def _publish_landed(self, landed: list[tuple[str, Any, list[dict[str, Any]]]]) -> None:
        """Publish what writes handed over (a document whose send failed is read on the
        next pass)."""
        by_collection: dict[str, list[tuple[Any, list[dict[str, Any]], int]]] = {}
        for name, doc_id, entries in landed:
            # a pass that read the document since its write may have published them
            done = _published(entries, self._known.get(_mark_id(name, doc_id)) or {})
            by_collection.setdefault(name, []).append((doc_id, entries, done))
        for name, work in by_collection.items():
            for lo in range(0, len(work), self.batch_size):
                self.published += await self._publish(name, work[lo : lo + self.batch_size])

    async def drain(self, hints: dict[str, set[Any]] | None = None) -> int:
        """Publish pending events (all, or of the hinted documents); returns how many."""
        total = 0
        for name in self.collections:
            if hints is not None and name not in hints:
                continue
            col = self.db[name]
            if hints is None:
                docs = await col.find(
                    {f"{OUTBOX_FIELD}.0": {"$exists": True}}, {OUTBOX_FIELD: 1}
                ).to_list()
                await self._load_marks(name)
            else:
                docs = await self._by_ids(col, hints[name])
                if name not in self._loaded:
                    await self._load_marks(name)
            work = []
            for doc in docs:
                entries = doc.get(OUTBOX_FIELD) or []
                start = self._high_water(_mark_id(name, doc["_id"]), entries)
                if start < len(entries):
                    work.append((doc["_id"], entries, start))
                else:
                    self._settled.add(doc["_id"])
            if hints is None:
                OUTBOX_BACKLOG.labels(self.service, name).set(sum(len(e) - s for _, e, s in work))
            for lo in range(0, len(work), self.batch_size):
                total += await self._publish(name, work[lo : lo + self.batch_size])
        if hints is None and self._stale:
            stale, self._stale = self._stale, set()
            await self.marks.bulk_write([DeleteOne({"_id": i}) for i in stale], ordered=False)
        self.published += total
        return total

    async def _load_marks(self, name: str) -> None:
        """Read the collection's marks into memory."""
        for m in await self.marks.find({"collection": name}).to_list():
            if m.get("last_id") is not None:
                self._known.setdefault(_mark_key(m), {})[m["last_id"]] = m["_id"]
        self._loaded.add(name)

    def _high_water(self, mark_id: str, entries: list[dict[str, Any]]) -> int:
        """:func:`_published` for a document read back; its other marks are superseded:
        forgotten here, deleted by the next sweep."""
        known = self._known.get(mark_id) or {}
        done = _published(entries, known)
        if done and len(known) > 1:
            furthest = entries[done - 1]["id"]
            self._stale.update(m for last, m in known.items() if last != furthest)
            self._known[mark_id] = {furthest: known[furthest]}
        return done

    def _mark(self, name: str, doc_id: Any, last_id: str) -> None:
        key = _mark_id(name, doc_id)
        mark = {"_id": f"{key}@{last_id}", "doc": key, "collection": name, "last_id": last_id}
        self._known.setdefault(key, {})[last_id] = mark["_id"]
        self._dirty[mark["_id"]] = mark
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_marks(), name="outbox-marks")

    async def _write_marks(self) -> None:
        # Gather the marks of a moment into one write: under a steady trickle, a write per
        # event would double FerretDB's load; a crash meanwhile only means a republish.
        await asyncio.sleep(self.mark_delay)
        while self._dirty:
            try:
                await self.flush_marks()
            except Exception:
                log.warning("outbox marks not written; retrying", exc_info=True)
                await asyncio.sleep(1.0)

    async def flush_marks(self) -> None:
        """Write every mark not yet written (one unordered bulk write per batch)."""
        async with self._write_lock:
            while self._dirty:
                batch, self._dirty = self._dirty, {}
                # Inserts, not upserts: FerretDB 1.x runs an upsert as a read-modify-write
                # (10-20 ms each under load, measured) but an insert_many as one write.
                try:
                    await self.marks.insert_many(list(batch.values()), ordered=False)
                except BulkWriteError as exc:
                    # The same mark written twice (a republish after a restart): same state.
                    if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                        for k, m in batch.items():
                            self._dirty.setdefault(k, m)
                        raise
                except BaseException:
                    for k, m in batch.items():
                        self._dirty.setdefault(k, m)
                    raise

    async def pending(self) -> int:
        """Events not yet published, over all collections (a full read; tests, tooling)."""
        await self.flush_marks()
        count = 0
        for name in self.collections:
            marks: dict[str, set[str]] = {}
            for m in await self.marks.find({"collection": name}).to_list():
                marks.setdefault(_mark_key(m), set()).add(m.get("last_id"))
            async for doc in self.db[name].find(
                {f"{OUTBOX_FIELD}.0": {"$exists": True}}, {OUTBOX_FIELD: 1}
            ):
                entries = doc[OUTBOX_FIELD]
                count += len(entries) - _published(
                    entries, marks.get(_mark_id(name, doc["_id"]), set())
                )
        return count

    @staticmethod
    async def _by_ids(col: Any, ids: set[Any]) -> list[dict[str, Any]]:
        # One lookup per id: FerretDB 1.x pushes ``{_id: x}`` down to SQLite but scans the
        # whole collection for ``{_id: {$in: [...]}}``.
        found = await asyncio.gather(*(col.find_one({"_id": i}) for i in ids))
        return [d for d in found if d is not None]

    async def _publish(self, name: str, work: list[tuple[Any, list[dict[str, Any]], int]]) -> int:
        """Send ``entries[start:]`` of each document, await the acks, mark the published
        prefix; a document whose send failed is hinted for the next pass to read."""
        sends = []
        for doc_id, entries, start in work:
            futures = []
            for entry in entries[start:]:
                try:
                    topic = registry.topic_for(entry["type"], self.settings)
                except (UnknownEventType, KeyError):
                    # Later entries must wait: publishing past it would break order.
                    log.error("outbox entry of unknown type %r in %s", entry.get("type"), doc_id)
                    break
                headers = {"ce_id": entry["id"], "ce_type": entry["type"], "ce_specversion": "1.0"}
                for ext in ("traceparent", "correlationid"):
                    if entry.get(ext):
                        headers[ext] = entry[ext]
                value = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
                key = str(entry.get("subject", doc_id)).encode()
                futures.append(
                    (topic, await self.producer.send(topic, value, key=key, headers=headers))
                )
            sends.append((doc_id, entries, start, futures))

        published = 0
        for doc_id, entries, start, futures in sends:
            done = 0
            for topic, fut in futures:
                try:
                    await fut
                except Exception:
                    log.warning("publish from %s/%s failed; it will be retried", name, doc_id)
                    self._hints.setdefault(name, set()).add(doc_id)
                    self._send_failed = True
                    break  # only a prefix may be marked, or order would break
                done += 1
                EVENTS_PUBLISHED.labels(self.service, topic).inc()
            if start + done == len(entries):
                self._settled.add(doc_id)
            if done:
                self._mark(name, doc_id, entries[start + done - 1]["id"])
                published += done
        return published


def _mark_key(mark: dict[str, Any]) -> str:
    """The document a mark is about (marks from before insert-only marks: their ``_id``)."""
    return str(mark.get("doc", mark["_id"]))


def _published(entries: list[dict[str, Any]], last_ids: Container[Any]) -> int:
    """How many leading entries are published: up to the latest one a mark names (0 when
    none does: republishing is safe, skipping is not)."""
    return max((i + 1 for i, e in enumerate(entries) if e.get("id") in last_ids), default=0)


def _mark_id(collection: str, doc_id: Any) -> str:
    return f"{collection}/{doc_id}"
