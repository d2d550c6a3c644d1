"""Lists served by ``_id``: per-key index documents the aggregate store keeps beside a kind.

On the local engine every filter other than ``{_id: <value>}`` reads the whole collection
(:mod:`shared.scans`: ~100 ms for a find with limit 20 and ~450 ms for its count at
20,000 documents). A kind that declares a :class:`ListSpec`, e.g. "by owner organisation",
gets a few small documents per key value in ``keyed_lists`` (``_id``
``<collection>/<spec>/<value>#<bucket>``, members spread over ``buckets`` by a hash of
their id) holding the members' ids, versions and the few fields the lists filter and sort
on (columnar: FerretDB's cost grows with the values it decodes, a 2,000-entry document of
objects took ~50 ms to read). A list whose query pins the key by equality is then one
``_id`` read per bucket (at once), an in-memory filter/sort/slice over the entries, and one
``_id`` read per item of the page. Buckets keep each write small when one key is busy (an
organisation publishing thousands of records): a write reads and rewrites one bucket.

Exactness without the store's ``changes`` (they would keep a full copy of a bucket per
write, and the relay would sweep them): a write is one unique insert of a small delta
``keyed_list_revs/<bucket>:<rev+1>`` holding its operations (the compare-and-set: of two
writers of the same revision one gets a duplicate key, reads again and retries), then the
bucket document is replaced by ``_id`` at that revision. A writer that finds a delta newer
than the document applies it first (the roll-forward of a writer that died in between).
Writes to one bucket queued while one is in flight go together in the next, and a
process remembers the buckets it wrote last (at their revision): its next write to one
starts from there, two commands (the delta, the bucket) instead of four, and a duplicate
delta (another replica wrote meanwhile) sends it back to reading. Entries are
last-writer-wins by the member's version, with tombstones for the members that left, so
replays and out-of-order updates are harmless. Readers read each bucket document and roll it
forward over newer deltas (two round trips): a document lags its newest delta between a
writer's two writes, after that writer died, and when a writer's replace lands after a
newer writer's (found by a test of two replicas: one entry of 32 missing from the
document until the next write); the next write to the bucket mends the document.

What it does not cover, said plainly: the index is written right *after* the member's
change (the store awaits it before ``save`` returns, so a caller reads its own write); a
process dying in between leaves the entry out until the member's next save or
:meth:`KeyedLists.rebuild` (a full read, an operator's tool). A page re-checks each
member document against the query, so an entry that lags is dropped, not shown wrong.
Each key's document holds all its members: right for "an organisation's records", "a
user's inbox", a queue of pending work; not for "everything published" (that one belongs
in an OpenSearch projection).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.listquery import Unsupported, matches, path_get, referenced, sort_docs

log = logging.getLogger(__name__)
COLLECTION = "keyed_lists"
REVS = "keyed_list_revs"
KNOWN_BUCKETS = 2048  # buckets whose last write this process remembers (least recent out)
TOMBSTONES = 256  # members that left, remembered so a late older entry is not re-added


@dataclass(frozen=True)
class ListSpec:
    """One way a kind is listed: ``key`` fields pick the list (all strings, all present),
    ``fields`` are kept per entry for filters and sorts. ``only`` keeps lists for some
    key values alone (e.g. ``{"state": ("submitted",)}``: the review queue, not the
    ever-growing list of everything approved)."""

    name: str
    key: tuple[str, ...]
    fields: tuple[str, ...] = ()
    only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    buckets: int = 1

    def keeps(self, values: Sequence[Any]) -> bool:
        allowed = dict(self.only)
        return all(
            isinstance(v, str) and (k not in allowed or v in allowed[k])
            for k, v in zip(self.key, values, strict=True)
        )


class ListDoc(BaseModel):
    """A key's members, columnar: ``cols[i][n]`` is field ``i`` of member ``ids[n]``."""

    ids: list[str] = []
    vs: list[int] = []
    cols: list[list[Any]] = []
    gone: list[str] = []
    gone_vs: list[int] = []

    def to_bson(self) -> dict[str, Any]:
        """As stored: FerretDB 1.x refuses arrays inside arrays, so each column is a field
        ``c<i>`` and an array value is wrapped as ``{"l": [...]}``."""
        cols = {f"c{i}": [_wrap(v) for v in col] for i, col in enumerate(self.cols)}
        return {"ids": self.ids, "vs": self.vs, "gone": self.gone, "gone_vs": self.gone_vs,
                "width": len(self.cols), **cols}  # fmt: skip

    @classmethod
    def from_bson(cls, raw: Mapping[str, Any] | None) -> ListDoc:
        if not raw:
            return cls()
        cols = [[_unwrap(v) for v in raw.get(f"c{i}", [])] for i in range(raw.get("width", 0))]
        return cls(ids=raw.get("ids", []), vs=raw.get("vs", []), cols=cols,
                   gone=raw.get("gone", []), gone_vs=raw.get("gone_vs", []))  # fmt: skip


def _wrap(value: Any) -> Any:
    return {"l": [_wrap(v) for v in value]} if isinstance(value, list) else value


def _unwrap(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"l"}:
        return [_unwrap(v) for v in value["l"]]
    return value


def _op_bson(op: Op) -> dict[str, Any]:
    member, version, row = op
    return {"m": member, "v": version, "r": None if row is None else _wrap(list(row))}


def _op_of(raw: Mapping[str, Any]) -> Op:
    return raw["m"], int(raw["v"]), None if raw["r"] is None else _unwrap(raw["r"])


def _path_set(doc: dict[str, Any], path: str, value: Any) -> None:
    *heads, last = path.split(".")
    for part in heads:
        doc = doc.setdefault(part, {})
    doc[last] = value


Op = tuple[str, int, list[Any] | None]  # member id, its version, its row (None: it left)


def apply_ops(doc: ListDoc, width: int, ops: Iterable[Op]) -> ListDoc:
    """``doc`` with ``ops`` applied, last writer (highest version) winning per member."""
    live = {
        i: (v, [c[n] for c in doc.cols])
        for n, (i, v) in enumerate(zip(doc.ids, doc.vs, strict=True))
    }
    dead = dict(zip(doc.gone, doc.gone_vs, strict=True))
    for member, version, row in ops:
        seen = live[member][0] if member in live else dead.get(member)
        if seen is not None and version < seen:
            continue
        if row is None:
            live.pop(member, None)
            dead.pop(member, None)
            dead[member] = version
        else:
            dead.pop(member, None)
            live[member] = (version, row)
    kept = list(dead.items())[-TOMBSTONES:]
    return ListDoc(
        ids=list(live),
        vs=[v for v, _ in live.values()],
        cols=[[row[i] for _, row in live.values()] for i in range(width)],
        gone=[m for m, _ in kept],
        gone_vs=[v for _, v in kept],
    )


class KeyedLists:
    """The keyed lists of one collection's documents (see the module docstring)."""

    def __init__(self, db: AsyncDatabase[Any], collection: str, specs: Sequence[ListSpec]):
        self.col, self.revs = db[COLLECTION], db[REVS]
        self.collection = collection
        self.specs = tuple(specs)
        self._queued: dict[str, list[tuple[list[Op], asyncio.Future[None]]]] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        # the buckets this process wrote last, at the revision it wrote: the next write
        # starts from there without reading (its delta insert is still the compare-and-set:
        # a duplicate key means another writer moved on, and the bucket is read again)
        self._known: LRUCache[str, tuple[ListDoc, int]] = LRUCache(maxsize=KNOWN_BUCKETS)

    # -- keys ----------------------------------------------------------------------------

    def list_id(self, spec: ListSpec, values: Sequence[Any]) -> str:
        return f"{self.collection}/{spec.name}/" + "|".join(str(v) for v in values)

    @staticmethod
    def bucket_id(spec: ListSpec, list_id: str, member: str) -> str:
        return f"{list_id}#{zlib.crc32(member.encode()) % spec.buckets}"

    def memberships(self, doc: Mapping[str, Any] | None) -> dict[str, tuple[ListSpec, list]]:
        """List id -> (spec, row) for every list ``doc`` belongs to."""
        found: dict[str, tuple[ListSpec, list[Any]]] = {}
        if not doc:
            return found
        for spec in self.specs:
            values = [path_get(doc, k) for k in spec.key]
            if not spec.keeps(values):
                continue
            row = [path_get(doc, f) for f in spec.fields]
            found[self.list_id(spec, values)] = (spec, row)
        return found

    # -- writing -------------------------------------------------------------------------

    async def track(
        self, member: str, version: int, old: Mapping[str, Any] | None, new: Mapping[str, Any]
    ) -> None:
        """Put ``member`` at ``version`` (document ``new``, previously ``old``) in its
        lists and take it out of the ones it left."""
        now, before = self.memberships(new), self.memberships(old)
        ops: dict[str, list[Op]] = {}
        for lid, (spec, row) in now.items():
            ops[self.bucket_id(spec, lid, member)] = [(member, version, row)]
        for lid in before.keys() - now.keys():
            ops[self.bucket_id(before[lid][0], lid, member)] = [(member, version, None)]
        await asyncio.gather(*(self._submit(bid, o) for bid, o in ops.items()))

    async def _submit(self, list_id: str, ops: list[Op]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.setdefault(list_id, []).append((ops, done))
        if list_id not in self._running:
            self._running[list_id] = asyncio.create_task(self._drain(list_id))
        await done

    async def _drain(self, list_id: str) -> None:
        try:
            while self._queued.get(list_id):
                batch = self._queued.pop(list_id)
                try:
                    await self._write(list_id, [op for ops, _ in batch for op in ops])
                except Exception as exc:
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self._running.pop(list_id, None)  # no await since the queue was seen empty

    def _width(self, list_id: str) -> int:
        name = list_id[len(self.collection) + 1 :].split("/", 1)[0]
        return next(len(s.fields) for s in self.specs if s.name == name)

    async def _load(self, bucket: str) -> tuple[ListDoc, int, bool]:
        """The bucket at its newest revision (rolled forward over newer deltas)."""
        doc = await self.col.find_one({"_id": bucket})
        rev = int(doc.pop("rev", 0)) if doc else 0
        state = ListDoc.from_bson(doc)
        rolled = False
        while (delta := await self.revs.find_one({"_id": f"{bucket}:{rev + 1}"})) is not None:
            base = ListDoc() if delta.get("reset") else state
            ops = [_op_of(op) for op in delta["ops"]]
            state, rev, rolled = apply_ops(base, self._width(bucket), ops), rev + 1, True
        return state, rev, rolled

    async def _write(
        self, bucket: str, ops: list[Op], *, reset: bool = False, attempts: int = 40
    ) -> None:
        width = self._width(bucket)
        for attempt in range(attempts):
            known = self._known.pop(bucket, None) if attempt == 0 else None
            state, rev, rolled = (*known, False) if known else await self._load(bucket)
            changed = apply_ops(ListDoc() if reset else state, width, ops)
            if changed == state and not reset:
                if rolled:  # mend a document its writer left behind
                    await self._put(bucket, state, rev)
                self._known[bucket] = (state, rev)
                return
            delta = {"_id": f"{bucket}:{rev + 1}", "ops": [_op_bson(op) for op in ops],
                     "reset": reset, "at": dt.datetime.now(dt.UTC)}  # fmt: skip
            try:
                await self.revs.insert_one(delta)
            except DuplicateKeyError:
                # another writer took this revision: read again (spread the retries)
                await asyncio.sleep(random.uniform(0, 0.003 * (attempt + 1)))  # noqa: S311
                continue
            await self._put(bucket, changed, rev + 1)
            self._known[bucket] = (changed, rev + 1)
            return
        raise RuntimeError(f"keyed list {bucket} kept changing under {attempts} attempts")

    async def _put(self, bucket: str, state: ListDoc, rev: int) -> None:
        await self.col.replace_one({"_id": bucket}, {**state.to_bson(), "rev": rev}, upsert=True)

    async def rebuild(
        self,
        docs: Iterable[Mapping[str, Any]],
        *,
        reset: bool = True,
        version_of: Callable[[Mapping[str, Any]], int] = lambda d: int(d.get("version", 1)),
    ) -> int:
        """Write every list from ``docs`` (all of the collection's documents): for a bulk
        load, or to repair after a crash (``reset``: each bucket named by a document is
        replaced; without it entries are merged, last writer by version). Returns the
        number of buckets written. Not for a hot path: the caller has read everything."""
        built: dict[str, list[Op]] = {}
        for doc in docs:
            member = str(doc["_id"])
            for lid, (spec, row) in self.memberships(doc).items():
                bucket = self.bucket_id(spec, lid, member)
                built.setdefault(bucket, []).append((member, version_of(doc), row))
        await asyncio.gather(*(self._write(b, ops, reset=reset) for b, ops in built.items()))
        return len(built)

    async def ensure_built(
        self,
        source: AsyncCollection[Any],
        version_of: Callable[[Mapping[str, Any]], int] = lambda d: int(d.get("version", 1)),
    ) -> int:
        """At start-up: build the lists of a collection that has none yet for these specs
        (a database from before they were declared, or a spec given new fields), from one
        full read of it, once (a marker document says so). Entries are merged, not reset,
        so saves made meanwhile by another replica are kept."""
        signature = zlib.crc32(repr(self.specs).encode())
        marker = f"{self.collection}/~built/{signature}"
        if await self.col.find_one({"_id": marker}) is not None:
            return 0
        docs = await source.find({}).to_list()  # one full read, at start-up only
        built = await self.rebuild(docs, reset=False, version_of=version_of)
        at = dt.datetime.now(dt.UTC)
        await self.col.replace_one({"_id": marker}, {"at": at, "documents": len(docs)}, upsert=True)
        log.info("keyed lists of %s built from %d documents", self.collection, len(docs))
        return built

    # -- reading -------------------------------------------------------------------------

    def plan(
        self, query: Mapping[str, Any], sort: Sequence[tuple[str, int]]
    ) -> tuple[ListSpec, list[str]] | None:
        """The list (spec, key values) that can answer ``query`` sorted by ``sort``."""
        pinned = _pinned(query)
        try:
            fields = referenced(query)
        except Unsupported:
            return None
        wanted = fields | {f for f, _ in sort}
        for spec in self.specs:
            if not all(k in pinned for k in spec.key):
                continue
            if not spec.keeps([pinned[k] for k in spec.key]):
                continue
            if wanted <= {*spec.key, *spec.fields, "_id"}:
                return spec, [pinned[k] for k in spec.key]
        return None

    async def entries(self, spec: ListSpec, key_values: list[str]) -> list[dict[str, Any]]:
        """The members of a list as small documents (``_id``, version, key, fields)."""
        list_id = self.list_id(spec, key_values)
        # each bucket rolled forward over its newer deltas: a writer's replace can land
        # after a newer writer's and leave the document a revision behind until the next
        # write (the deltas are immutable and never skipped, so the document plus them is
        # exact; most reads find no newer delta, one probe per bucket)
        found = await asyncio.gather(*(self._load(f"{list_id}#{b}") for b in range(spec.buckets)))
        out: list[dict[str, Any]] = []
        for doc, _rev, _rolled in found:
            for n, (member, version) in enumerate(zip(doc.ids, doc.vs, strict=True)):
                entry: dict[str, Any] = {"_id": member, "version": version}
                for k, v in zip(spec.key, key_values, strict=True):
                    _path_set(entry, k, v)
                for i, f in enumerate(spec.fields):
                    _path_set(entry, f, doc.cols[i][n])
                out.append(entry)
        return out

    async def select(
        self,
        spec: ListSpec,
        key_values: list[str],
        query: Mapping[str, Any],
        sort: Sequence[tuple[str, int]],
    ) -> list[dict[str, Any]]:
        """The entries matching ``query``, in ``sort`` order."""
        found = [e for e in await self.entries(spec, key_values) if matches(query, e)]
        return sort_docs(found, sort)


async def documents(
    source: AsyncCollection[Any], entries: Sequence[Mapping[str, Any]], query: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The documents of ``entries`` (one ``_id`` read each, at once) in their order, those
    that still match ``query``: an entry may lag its document, and the document decides."""
    docs = await asyncio.gather(*(source.find_one({"_id": e["_id"]}) for e in entries))
    return [d for d in docs if d is not None and matches(query, d)]


def _pinned(query: Mapping[str, Any]) -> dict[str, Any]:
    """Fields the query fixes to one scalar value in its top-level conjunction."""
    parts: list[Mapping[str, Any]] = [query]
    pinned: dict[str, Any] = {}
    while parts:
        part = parts.pop()
        for key, value in part.items():
            if key == "$and":
                parts.extend(value)
            elif not key.startswith("$") and isinstance(value, str):
                pinned[key] = value
    return pinned
