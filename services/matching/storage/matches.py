"""Match records: one document per (demand, supply) pair, with its outbox.

``_id`` is ``<demand_id>|<supply_id>``. Each document carries ``version`` (bumped on
every write, used as an optimistic lock) and ``outbox`` (the pair's pending
``matching.match.suggested`` events, drained by the relay), so a suggestion and the
state that decided it are one write. ``history`` holds the pair's suggested /
relevant / contacted / declined entries, pushed in the same write as the change.

FerretDB 1.x answers only ``_id`` lookups from an index (a filter on any other field
scans the whole collection), so every hot path here reads by ``_id``:
- ``rankings`` (``_id`` = demand id): the pair ids a demand ranks, in order, and the
  stored state of each (rank, score, a digest of the explanation, supply organisation),
  so a re-ranking that changes nothing reads one document and writes none;
- ``pair_links``: insert-only chunks ``<side>:<record id>#<n>`` (n = 0, 1, ...) listing
  the counterparts a record has pairs with, written before the pairs, so a withdrawal
  or an update finds a record's pairs without a scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pymongo import ASCENDING, DESCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.db import is_ferretdb, matches_by_id, update_one_where
from shared.outbox import outbox_landed, outbox_push, with_outbox

Doc = dict[str, Any]


def pair_id(demand_id: str, supply_id: str) -> str:
    return f"{demand_id}|{supply_id}"


def merge_push(update: Doc, envelopes: list[Any]) -> Doc:
    """Merge the outbox ``$push`` fragment into an update that may push history too."""
    if not envelopes:
        return update
    fragment = outbox_push(envelopes)
    push = fragment.get("$push", fragment)
    update.setdefault("$push", {}).update(push)
    return update


async def _duplicates(write: Awaitable[Any]) -> list[int]:
    """Await an unordered bulk write; the indexes of its operations that met an existing
    ``_id`` (any other write error raises)."""
    try:
        await write
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if {e.get("code") for e in errors} - {11000}:
            raise
        return [e["index"] for e in errors]
    return []


def explanation_digest(explanation: Doc) -> str:
    """A short digest of a stored explanation (what the ranking state compares)."""
    text = json.dumps(explanation, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class PairState(NamedTuple):
    """What a ranking needs to know of a stored, active pair to leave it alone."""

    rank: int
    score: float
    digest: str
    supply_org_id: str


@dataclass(frozen=True)
class Ranking:
    """A demand's stored ranking: pair ids in rank order and each pair's state.

    ``state`` lacks a pair whose document may differ from what the ranking last wrote
    (a ranking stored before states were kept, or a pair a withdrawal touched): such a
    pair is read from its own document.
    """

    ranked: tuple[str, ...] = ()
    state: dict[str, PairState] = field(default_factory=dict)
    exists: bool = field(default=False, compare=False)

    @classmethod
    def from_doc(cls, doc: Doc | None) -> Ranking:
        if doc is None:
            return cls()
        state = {
            row["id"]: PairState(row["rank"], row["score"], row["digest"], row["supply_org_id"])
            for row in doc.get("state") or []
        }
        return cls(ranked=tuple(doc.get("ranked") or ()), state=state, exists=True)

    def to_doc(self) -> Doc:
        return {
            "ranked": list(self.ranked),
            # subdocuments, not arrays: FerretDB 1.x rejects nested arrays
            "state": [
                {"id": mid, **self.state[mid]._asdict()} for mid in self.ranked if mid in self.state
            ],
        }

    def without(self, mid: str) -> Ranking:
        state = {k: v for k, v in self.state.items() if k != mid}
        return Ranking(ranked=self.ranked, state=state, exists=self.exists)


class PairLinks:
    """Which counterparts a record has pairs with, readable by ``_id`` only.

    Insert-only chunks ``{_id: "<side>:<record id>#<n>", others: [...]}`` with n = 0, 1,
    ... and no gaps: a writer inserts at the next free n (a duplicate key means another
    writer took it: it moves on), a reader reads n = 0, 1, ... until one is missing.
    Links are written before the pairs they name, so they are a superset of the pairs:
    a link to a pair that does not exist costs a lookup and changes nothing.
    """

    MARKER = "#backfilled"

    def __init__(self, collection: Any) -> None:
        self.collection = collection
        self._next: dict[str, int] = {}  # key -> the next free n, as far as we know

    @staticmethod
    def key(side: str, record_id: str) -> str:
        return f"{side}:{record_id}"

    async def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Link each (demand id, supply id) both ways: one chunk per record."""
        pending: dict[str, list[str]] = {}
        for demand_id, supply_id in pairs:
            pending.setdefault(self.key("demand", demand_id), []).append(supply_id)
            pending.setdefault(self.key("supply", supply_id), []).append(demand_id)
        while pending:
            if len(self._next) > 100_000:
                self._next = {}
            tried = {k: self._next.get(k, 0) for k in pending}
            keys = list(tried)
            docs = [{"_id": f"{k}#{n}", "others": pending[k]} for k, n in tried.items()]
            taken = [
                keys[i] for i in await _duplicates(self.collection.insert_many(docs, ordered=False))
            ]
            for k, n in tried.items():  # relative to what was tried: other adds run meanwhile
                self._next[k] = max(self._next.get(k, 0), n + 1)
            for k in taken:  # learn where the chunks end (another writer, or a restart)
                self._next[k] = max(self._next[k], await self._count(k))
            pending = {k: pending[k] for k in taken}

    async def _read(self, key: str) -> tuple[list[str], int]:
        others: list[str] = []
        n, window = 0, 2
        while True:
            found = await asyncio.gather(
                *(self.collection.find_one({"_id": f"{key}#{i}"}) for i in range(n, n + window))
            )
            for doc in found:
                if doc is None:
                    return others, n
                others += doc["others"]
                n += 1
            window = min(window * 2, 16)

    async def _count(self, key: str) -> int:
        return (await self._read(key))[1]

    async def of(self, side: str, record_id: str) -> list[str]:
        """Every counterpart ``record_id`` was linked with, first-linked first."""
        key = self.key(side, record_id)
        others, n = await self._read(key)
        self._next[key] = max(self._next.get(key, 0), n)
        return list(dict.fromkeys(others))

    async def backfill(self, matches: Any) -> None:
        """Once per database: link the pairs stored before links were kept."""
        if await self.collection.find_one({"_id": self.MARKER}) is not None:
            return
        batch: list[tuple[str, str]] = []
        async for doc in matches.find({}, {"demand_id": 1, "supply_id": 1}):
            batch.append((doc["demand_id"], doc["supply_id"]))
            if len(batch) >= 5000:
                await self.add(batch)
                batch = []
        await self.add(batch)
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one({"_id": self.MARKER})


class MongoMatchRepository:
    collection_name = "matches"

    def __init__(self, db: AsyncDatabase) -> None:
        self.collection = db[self.collection_name]
        # demand id -> the pair ids currently ranked for it. FerretDB 1.x answers only
        # ``_id`` lookups from an index (any other filter scans the whole collection), so
        # the pairs a re-ranking drops are found here instead of by ``demand_id``.
        self.rankings = db["rankings"]
        self.links = PairLinks(db["pair_links"])

    async def ensure_indexes(self) -> None:
        c = self.collection
        await c.create_index([("demand_id", ASCENDING), ("rank", ASCENDING)])
        await c.create_index([("supply_id", ASCENDING)])
        await c.create_index([("demand_org_id", ASCENDING), ("supply_org_id", ASCENDING)])
        await c.create_index([("supply_org_id", ASCENDING)])
        await c.create_index([("updated_at", DESCENDING)])
        await self.links.backfill(c)

    async def get(self, match_id: str) -> Doc | None:
        return await self.collection.find_one({"_id": match_id}, {"outbox": 0})

    async def load(self, ids: Iterable[str]) -> dict[str, Doc]:
        ids = list(ids)
        if not ids:
            return {}
        # One lookup per id: FerretDB 1.x serves ``{_id: x}`` from its primary key but
        # scans the whole collection for ``{_id: {$in: [...]}}`` (measured: 20k pairs,
        # 10 ids, 4.1 s vs 0.8 s for ten lookups on a loaded machine).
        found = await asyncio.gather(
            *(self.collection.find_one({"_id": i}, {"outbox": 0}) for i in ids)
        )
        return {d["_id"]: d for d in found if d is not None}

    async def write_batch(
        self, inserts: list[tuple[Doc, list[Any]]], updates: list[tuple[str, int, Doc]], token: str
    ) -> list[str]:
        """Insert new pairs and update known ones at their read version, in one round trip.

        Returns the ids that lost a race, for the caller to decide again: an insert lost
        when its ``_id`` existed already (a duplicate key: inserts are atomic, so the rest
        are ours); an update stamps ``written_by=token`` and lost when the document does
        not carry it afterwards (FerretDB 1.x runs a filtered update as a non-atomic
        read-modify-write, so the version filter alone may let two writers through).
        """
        docs = [with_outbox(doc, envs) if envs else doc for doc, envs in inserts]
        ops: list[Any] = [InsertOne(doc) for doc in docs]
        stale: list[str] = []
        if await is_ferretdb(self.collection.database):
            # filter by _id alone (any other filter shape scans the whole collection on
            # FerretDB 1.x); the versions are checked by _id just before, which is as
            # atomic as FerretDB's own filtered update, and written_by settles races
            current = await asyncio.gather(
                *(matches_by_id(self.collection, mid, {"version": v}) for mid, v, _ in updates)
            )
            stale = [mid for (mid, _, _), ok in zip(updates, current, strict=True) if not ok]
            updates = [u for u, ok in zip(updates, current, strict=True) if ok]
            ops += [UpdateOne({"_id": mid}, upd) for mid, _, upd in updates]
        else:
            ops += [UpdateOne({"_id": mid, "version": v}, upd) for mid, v, upd in updates]
        if not ops:
            return stale
        duplicates = await _duplicates(self.collection.bulk_write(ops, ordered=False))
        lost = stale + [inserts[i][0]["_id"] for i in duplicates if i < len(inserts)]
        ids = [mid for mid, _, _ in updates]
        found = await asyncio.gather(
            *(self.collection.find_one({"_id": i}, {"written_by": 1}) for i in ids)
        )
        written = {d["_id"] for d in found if d is not None and d.get("written_by") == token}
        # what landed as ours goes to the relay now, without being read back
        for i, doc in enumerate(docs):
            if i not in set(duplicates):
                outbox_landed(self.collection, doc)
        for mid, _, upd in updates:
            if mid in written:
                outbox_landed(self.collection, upd, mid)
        return lost + [i for i in ids if i not in written]

    async def update_at_version(self, match_id: str, version: int, update: Doc) -> bool:
        return await update_one_where(self.collection, match_id, {"version": version}, update)

    # ---- a demand's ranking, and the pairs of a record, read by _id -------------------

    async def ranking(self, demand_id: str) -> Ranking:
        """What is stored of ``demand_id``'s ranking (one read by ``_id``)."""
        return Ranking.from_doc(await self.rankings.find_one({"_id": demand_id}))

    async def save_ranking(self, demand_id: str, before: Ranking, after: Ranking) -> None:
        """Store ``after`` if it differs from ``before``: an insert for a demand's first
        ranking, a plain replace afterwards (FerretDB runs an upsert as a slow
        read-modify-write). Callers hold the demand's lock."""
        if after == before:
            return
        doc = after.to_doc()
        if before.exists:
            result = await self.rankings.replace_one({"_id": demand_id}, doc)
            if result.matched_count:
                return
        try:
            await self.rankings.insert_one({"_id": demand_id, **doc})
        except DuplicateKeyError:  # another writer stored it first
            await self.rankings.replace_one({"_id": demand_id}, doc)

    async def forget_ranking(self, demand_id: str, supply_id: str | None = None) -> None:
        """Drop the stored state of ``demand_id``'s ranking (all of it, or one supply's
        pair), so the next ranking reads the pairs themselves. Called before pairs are
        changed outside a ranking (withdrawal), so a crash in between leaves no state
        that claims an old pair is still current."""
        if supply_id is None:
            await self.rankings.delete_one({"_id": demand_id})
            return
        before = await self.ranking(demand_id)
        mid = pair_id(demand_id, supply_id)
        if mid in before.state:
            after = before.without(mid)
            await self.save_ranking(demand_id, before, after)

    async def _where(self, ids: Iterable[str], field: str, test: Any) -> list[str]:
        """The ids among ``ids`` whose document's ``field`` passes ``test`` (reads by
        ``_id``). FerretDB 1.x answers ``{_id: x, <field>: ...}`` from its primary key
        when the document matches, but scans the whole collection when it does not, so a
        conditional update is sent only for documents read as matching."""
        ids = list(ids)
        found = await asyncio.gather(
            *(self.collection.find_one({"_id": i}, {field: 1}) for i in ids)
        )
        return [d["_id"] for d in found if d is not None and test(d.get(field))]

    async def _set_where(self, ids: list[str], condition: Doc, fields: Doc) -> list[str]:
        """Set ``fields`` (bumping ``version``) on the pairs matching ``condition``, one
        round trip; returns the ids sent."""
        if ids:
            update = {"$set": fields, "$inc": {"version": 1}}
            if await is_ferretdb(self.collection.database):
                # by _id alone: any other filter shape scans the collection on FerretDB
                # 1.x, and ``_where`` has just read these as matching (its filtered
                # updates are a read-modify-write anyway)
                condition = {}
            ops = [UpdateOne({"_id": mid, **condition}, update) for mid in ids]
            await self.collection.bulk_write(ops, ordered=False)
        return ids

    async def drop_from_ranking(self, ids: Iterable[str], now: Any) -> list[str]:
        """Pairs no longer in their demand's ranking lose their rank (kept, not deleted)."""
        ranked = await self._where(ids, "rank", lambda rank: rank is not None)
        fields = {"rank": None, "updated_at": now}
        return await self._set_where(ranked, {"rank": {"$ne": None}}, fields)

    async def link(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record new (demand id, supply id) pairs in the links, before the pairs are written."""
        await self.links.add(pairs)

    async def counterparts(self, side: str, record_id: str) -> list[str]:
        """Every counterpart the ``side`` ("demand" / "supply") record ever had a pair
        with, from the links (reads by ``_id``)."""
        return await self.links.of(side, record_id)

    async def deactivate(self, ids: Iterable[str], now: Any) -> list[str]:
        """The active pairs among ``ids`` leave the results; returns them. Pairs are read
        and updated by ``_id``: a filter on ``demand_id`` / ``supply_id`` scans the whole
        collection on FerretDB 1.x."""
        active = await self._where(ids, "active", bool)
        fields = {"active": False, "rank": None, "updated_at": now}
        return await self._set_where(active, {"active": True}, fields)

    async def ranked_demands_of(self, supply_id: str) -> list[str]:
        """Demands whose ranking holds ``supply_id``: its links, then each pair by ``_id``."""
        demands = await self.links.of("supply", supply_id)
        mids = [pair_id(d, supply_id) for d in demands]
        find = self.collection.find_one
        found = await asyncio.gather(*(find({"_id": m}, {"rank": 1}) for m in mids))
        return sorted(
            d for d, doc in zip(demands, found, strict=True) if doc and doc.get("rank") is not None
        )

    async def list(self, query: Doc, *, skip: int, limit: int) -> tuple[list[Doc], int]:
        total = await self.collection.count_documents(query)
        cursor = (
            self.collection.find(query, {"outbox": 0, "written_by": 0})
            .sort([("demand_id", ASCENDING), ("rank", ASCENDING), ("_id", ASCENDING)])
            .skip(skip)
            .limit(limit)
        )
        return [d async for d in cursor], total

    async def between(self, org_a: str, org_b: str) -> list[Doc]:
        """Every pair between two organisations, either way round, any market."""
        query = {
            "$or": [
                {"demand_org_id": org_a, "supply_org_id": org_b},
                {"demand_org_id": org_b, "supply_org_id": org_a},
            ]
        }
        cursor = self.collection.find(query, {"outbox": 0, "explanation": 0})
        return [d async for d in cursor]

    async def drop_all(self) -> None:
        await self.collection.drop()
