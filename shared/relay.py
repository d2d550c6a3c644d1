"""The change relay: publishes the events of stored changes (:mod:`shared.store`) to Kafka,
one relay per service, in version order per aggregate.

Leadership is a lease taken with the one exact primitive, a unique insert:
``relay_leases/<service>:<term>`` with ``term = floor(now / lease_seconds)``. The holder
inserts the next term's key halfway through its own term, so it keeps the lease while
it lives; when it dies, the others race for the next term and one wins. Every relay
process runs the loop; only the leader publishes.

How the leader learns of changes, without scanning the ``changes`` collection:
- its own process's saves hand it the change from memory when they land (the fast path:
  no read at all);
- a process that is not the leader (another replica, a CLI) first inserts a nudge
  ``change_nudges/<change id>`` and then the change, so a crash between the two leaves a
  nudge behind, never an unknown change; the leader reads the (small) nudge collection
  every ``poll`` seconds;
- when it takes the lease, and every ``sweep_seconds``, it reads every change without a
  mark (what a leader that died in the middle left behind).

Published changes get a mark, ``change_marks/<change id>``, inserted in one unordered
``insert_many`` per batch; nudges are deleted. Before publishing version ``v`` of an
aggregate the leader makes sure ``v - 1`` is marked (else publishes it first), so the
order holds across a change of leader too. Delivery is at-least-once (a crash after the
broker's ack and before the mark republishes): consumers deduplicate on the event id and
project with versioned upserts. ``python -m shared.republish`` replays from the
stored changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Iterable
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.events import registry
from shared.events.contracts import load_all
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.settings import Settings, get_settings
from shared.store import CHANGES, change_id

log = logging.getLogger(__name__)

LEASES = "relay_leases"
NUDGES = "change_nudges"
MARKS = "change_marks"
STALE_NUDGE_S = 60.0


class Producer(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(
        self, topic: str, value: bytes, *, key: bytes | None, headers: dict[str, str]
    ) -> asyncio.Future[Any]: ...


#: the running relay of each database in this process (the store hands it changes)
_RELAYS: dict[tuple[int, str], ChangeRelay] = {}


def _key(db: AsyncDatabase[Any]) -> tuple[int, str]:
    return (id(db.client), db.name)


def needs_nudge(db: AsyncDatabase[Any]) -> bool:
    """Whether a change to ``db`` must leave a nudge before it is inserted: always, unless
    this process leads the relay of ``db`` (then the fast path hands it over)."""
    relay = _RELAYS.get(_key(db))
    return relay is None or not relay.leader


def nudge(change: dict[str, Any]) -> dict[str, Any]:
    return {"_id": change["_id"], "at": time.time()}


def change_landed(db: AsyncDatabase[Any], change: dict[str, Any]) -> None:
    """The change is stored: the leading relay of this process publishes it from memory."""
    relay = _RELAYS.get(_key(db))
    if relay is not None:
        relay.landed(change)


class ChangeRelay:
    """Publishes stored changes of ``db`` while it holds the service's lease."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        producer: Producer,
        *,
        service: str,
        settings: Settings | None = None,
        lease_seconds: float = 10.0,
        poll: float = 0.25,
        sweep_seconds: float = 300.0,
        batch_size: int = 500,
    ) -> None:
        load_all()
        self.db = db
        self.producer = producer
        self.service = service
        self.settings = settings or get_settings()
        self.lease_seconds = lease_seconds
        self.poll = poll
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.leader = False
        self.published = 0
        self._terms: set[int] = set()  # lease terms this process holds
        self._queue: list[dict[str, Any]] = []
        self._upto: dict[tuple[str, str], int] = {}  # (kind, agg) -> last version published
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._swept_at = 0.0
        self._nudged_at = 0.0

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is not None:
            return
        await self.producer.start()
        _RELAYS[_key(self.db)] = self
        await self._hold_lease()
        self._task = asyncio.create_task(self._run(), name=f"change-relay-{self.service}")

    async def stop(self) -> None:
        if _RELAYS.get(_key(self.db)) is self:
            del _RELAYS[_key(self.db)]
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.leader = False
        await self.producer.stop()

    def landed(self, change: dict[str, Any]) -> None:
        if self.leader:
            self._queue.append(change)
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    # -- the lease ----------------------------------------------------------------------

    def _term(self, at: float | None = None) -> int:
        return int((time.time() if at is None else at) // self.lease_seconds)

    async def _take(self, term: int) -> bool:
        if term in self._terms:
            return True
        try:
            await self.db[LEASES].insert_one({"_id": f"{self.service}:{term}", "at": time.time()})
        except DuplicateKeyError:
            return False
        self._terms.add(term)
        with contextlib.suppress(Exception):  # old terms: nobody reads them
            await self.db[LEASES].delete_one({"_id": f"{self.service}:{term - 3}"})
        return True

    async def _hold_lease(self) -> bool:
        """Take the current term if free; the holder also takes the next one halfway."""
        now = time.time()
        term = self._term(now)
        was = self.leader
        self.leader = await self._take(term)
        if self.leader and now - term * self.lease_seconds > self.lease_seconds / 2:
            await self._take(term + 1)
        self._terms = {t for t in self._terms if t >= term}
        if self.leader and not was:
            self._swept_at = 0.0  # a new leader first publishes what was left behind
            log.info("relay of %s took the lease (term %s)", self.service, term)
        if not self.leader:
            self._queue.clear()  # the leader's sweep covers them
        return self.leader

    # -- the loop -----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            try:
                if await self._hold_lease():
                    await self.pass_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # Broker or database away: what this pass held is unmarked, so the next
                # pass sweeps for it.
                log.exception("change relay pass failed; retrying")
                self._swept_at = 0.0
                await asyncio.sleep(1.0)
            if not self._queue:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)
            self._wake.clear()

    async def pass_once(self) -> int:
        """Publish what the fast path queued, what nudges name, and (when due) what a
        sweep finds unmarked. Returns how many changes were published."""
        work, self._queue = self._queue, []
        nudges: list[dict[str, Any]] = []
        if time.monotonic() - self._nudged_at >= self.poll:  # not on every fast-path wake
            self._nudged_at = time.monotonic()
            nudges = await self.db[NUDGES].find({}).limit(self.batch_size).to_list()
        if nudges:
            work += await self._changes_of(nudges)
        if time.monotonic() - self._swept_at > self.sweep_seconds:
            work += await self.unmarked()
            self._swept_at = time.monotonic()
        if not work:
            return 0
        ordered = await self._in_order(work)
        done = await self._publish(ordered)
        if nudges:
            await self.db[NUDGES].delete_many({"_id": {"$in": [n["_id"] for n in nudges]}})
        return done

    async def _changes_of(self, nudges: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = await asyncio.gather(
            *(self.db[CHANGES].find_one({"_id": n["_id"]}) for n in nudges)
        )
        stale = time.time() - STALE_NUDGE_S
        keep = []
        for nudge, change in zip(nudges, found, strict=True):
            if change is None and nudge.get("at", 0) > stale:
                keep.append(nudge["_id"])  # its writer may still be inserting
        nudges[:] = [n for n in nudges if n["_id"] not in keep]
        return [c for c in found if c is not None]

    async def unmarked(self) -> list[dict[str, Any]]:
        """Every stored change without a mark (a full read: takeover and sweeps only)."""
        marks = {m["_id"] for m in await self.db[MARKS].find({}, {"_id": 1}).to_list()}
        ids = [c["_id"] for c in await self.db[CHANGES].find({}, {"_id": 1}).to_list()]
        todo = [i for i in ids if i not in marks]
        OUTBOX_BACKLOG.labels(self.service, CHANGES).set(len(todo))
        found = await asyncio.gather(*(self.db[CHANGES].find_one({"_id": i}) for i in todo))
        return [c for c in found if c is not None]

    async def _in_order(self, work: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """One entry per change, by aggregate in version order, each preceded by any
        earlier unmarked version (so a gap is never skipped)."""
        by_agg: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
        for c in work:
            by_agg.setdefault((c["kind"], c["agg"]), {})[c["v"]] = c
        for (kind, agg), versions in by_agg.items():
            v = min(versions)
            while v > 1 and self._upto.get((kind, agg), 0) < v - 1:
                prev = change_id(kind, agg, v - 1)
                if await self.db[MARKS].find_one({"_id": prev}):
                    break
                earlier = await self.db[CHANGES].find_one({"_id": prev})
                if earlier is None:
                    break
                versions[v - 1] = earlier
                v -= 1
        return [c for versions in by_agg.values() for _, c in sorted(versions.items())]

    async def publish(self, changes: list[dict[str, Any]]) -> int:
        """Publish these stored changes as they are (in the order given) and mark them:
        the replay path, whether or not this relay leads."""
        return await self._publish(changes)

    async def _publish(self, changes: list[dict[str, Any]]) -> int:
        sends = []
        for change in changes:
            futures = []
            for entry in change.get("events", []):
                topic = registry.topic_for(entry["type"], self.settings)
                headers = {"ce_id": entry["id"], "ce_type": entry["type"], "ce_specversion": "1.0"}
                for ext in ("traceparent", "correlationid"):
                    if entry.get(ext):
                        headers[ext] = entry[ext]
                value = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
                key = str(entry.get("subject") or change["agg"]).encode()
                fut = await self.producer.send(topic, value, key=key, headers=headers)
                futures.append((topic, fut))
            sends.append((change, futures))
        marks = []
        for change, futures in sends:
            for topic, fut in futures:
                await fut  # a failure raises: nothing after it is marked, the pass retries
                EVENTS_PUBLISHED.labels(self.service, topic).inc()
            marks.append({"_id": change["_id"], "at": dt.datetime.now(dt.UTC)})
            agg = (change["kind"], change["agg"])
            self._upto[agg] = max(self._upto.get(agg, 0), change["v"])
        if marks:
            try:
                await self.db[MARKS].insert_many(marks, ordered=False)
            except BulkWriteError as exc:  # a republished change is marked already
                if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                    raise
        self.published += len(marks)
        return len(marks)

    async def pending(self) -> int:
        """Changes not yet marked published (a full read; tests and tooling)."""
        return len(await self.unmarked())
