"""Match records: one aggregate per (demand, supply) pair, and each demand's standing.

Both live on the aggregate store (``shared/store.py``): a pair's change and the
``matching.match.suggested`` event it causes are one save at the version read, so two
ranking passes racing over one demand never both suggest a pair (the loser reloads and
decides again). ``history`` holds the pair's suggested / relevant / contacted /
declined entries, changed in the same save.

FerretDB 1.x answers only ``_id`` lookups from an index (a filter on any other field
scans the whole collection), so every hot path here reads by ``_id``:
- a demand's standing (``storage/standing.py``, ``_id`` = demand id): the pair ids its
  ranking holds, in order, and the stored state of each (rank, score, a digest of the
  explanation, supply organisation), so a re-ranking that changes nothing reads one
  document (and probes for a newer change) and writes none;
- ``pair_links``: insert-only chunks ``<side>:<record id>#<n>`` (n = 0, 1, ...) listing
  the counterparts a record has pairs with, written before the pairs, so a withdrawal
  or an update finds a record's pairs without a scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.matching import events
from services.matching.domain.pairs import (
    Pair,
    PairChange,
    deactivated,
    pair_id,
    unranked,
)
from services.matching.storage.standing import Standing, StandingState
from shared.events import Envelope
from shared.store import Conflict, MongoAggregateStore, Versioned

Doc = dict[str, Any]
__all__ = ["Conflict", "MongoMatchRepository", "Standing", "pair_id"]


def _doc(found: Versioned[Pair]) -> Doc:
    """A pair as the use cases and the API read it: a dict with ``_id`` and ``version``."""
    return {
        "_id": found.state.id,
        **found.state.model_dump(exclude={"id"}),
        "version": found.version,
    }


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


def _pair(found: Versioned[Pair]) -> Pair:
    """The stored pair at the version read (the store keeps ``Pair.version`` equal)."""
    if found.state.version == found.version:
        return found.state
    return found.state.model_copy(update={"version": found.version})


def _envelopes(change: PairChange) -> list[Envelope]:
    """The ``matching.match.suggested`` events of a change, one per side told."""
    p = change.pair
    fields = {
        "_id": p.id, "demand_id": p.demand_id, "demand_kind": p.demand_kind,
        "demand_org_id": p.demand_org_id, "supply_id": p.supply_id,
        "supply_kind": p.supply_kind, "supply_org_id": p.supply_org_id,
        "score": p.score, "rank": p.rank,
    }  # fmt: skip
    return [
        events.pair_suggested(
            fields, reason=s.reason, previous_rank=s.previous_rank, summary=s.summary,
            version=change.version + 1, side=s.side,
        )
        for s in change.suggestions
    ]  # fmt: skip


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
        self.pairs = MongoAggregateStore(db, "pair", Pair, collection=self.collection_name)
        self.collection = self.pairs.col
        # The standings keep their first names, kind "ranking" (change ids
        # ``ranking:<demand id>:<v>``) and collection "rankings": data already stored.
        self.standings = MongoAggregateStore(db, "ranking", StandingState, collection="rankings")
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
        found = await self.pairs.get(match_id)
        return _doc(found) if found else None

    async def load(self, ids: Iterable[str]) -> dict[str, Pair]:
        """The stored pairs among ``ids`` (absent ones are left out)."""
        # One lookup per id: FerretDB 1.x serves ``{_id: x}`` from its primary key but
        # scans the whole collection for ``{_id: {$in: [...]}}``.
        found = await asyncio.gather(*(self.pairs.get(i) for i in ids))
        return {f.state.id: _pair(f) for f in found if f is not None}

    async def write(self, changes: Sequence[PairChange]) -> list[str]:
        """Save each change's pair at the version it was read at (0: new) with its
        suggestions as events; the saves of one batch are group-committed. New pairs are
        linked first: a crash after the links leaves a link to a missing pair, which is
        harmless. Returns the ids that lost a race (another writer saved that version
        first), for the caller to decide again."""
        await self.links.add((c.pair.demand_id, c.pair.supply_id) for c in changes if c.is_new)

        async def save(change: PairChange) -> str | None:
            try:
                await self.pairs.save(change.id, change.pair, change.version, _envelopes(change))
            except Conflict:
                return change.id
            return None

        lost = await asyncio.gather(*(save(c) for c in changes))
        return [mid for mid in lost if mid is not None]

    async def change(self, match_id: str, decide: Callable[[Pair], Pair | None]) -> bool:
        """Apply ``decide(pair) -> new pair | None`` (None: leave it) from the current
        version, deciding again after a lost race. True when a change was saved."""
        for _ in range(8):
            found = await self.pairs.get(match_id)
            if found is None:
                return False
            pair = decide(_pair(found))
            if pair is None:
                return False
            try:
                await self.pairs.save(match_id, pair, found.version)
            except Conflict:
                continue
            return True
        raise Conflict("pair", match_id, -1)

    # ---- a demand's standing, and the pairs of a record, read by _id -----------------

    async def standing(self, demand_id: str) -> Standing:
        """What is stored of ``demand_id``'s standing (a read by ``_id``, and the store's
        probe for a newer change)."""
        return Standing.from_stored(await self.standings.get(demand_id))

    async def save_standing(self, demand_id: str, before: Standing, after: Standing) -> None:
        """Store ``after`` if it differs from ``before``, at ``before``'s version:
        :class:`Conflict` when another pass over this demand stored its standing first."""
        if after == before and before.version:
            return
        await self.standings.save(demand_id, after.to_state(demand_id), before.version)

    async def forget_standing(self, demand_id: str, supply_id: str | None = None) -> None:
        """Drop the stored state of ``demand_id``'s standing (all of it, or one supply's
        pair), so the next pass reads the pairs themselves. Called before pairs are
        changed outside a pass (withdrawal), so a crash in between leaves no state that
        claims an old pair is still current."""
        for _ in range(8):
            before = await self.standing(demand_id)
            if supply_id is None:
                after = Standing()
            else:
                after = before.without(pair_id(demand_id, supply_id))
            if after == before:
                return
            try:
                await self.standings.save(demand_id, after.to_state(demand_id), before.version)
            except Conflict:
                continue
            return
        raise Conflict("ranking", demand_id, -1)

    async def drop_from_standing(self, ids: Iterable[str], now: dt.datetime) -> list[str]:
        """Pairs no longer in their demand's ranking lose their rank (kept, not deleted)."""
        ids = list(ids)
        done = await asyncio.gather(*(self.change(i, lambda p: unranked(p, now)) for i in ids))
        return [i for i, d in zip(ids, done, strict=True) if d]

    async def counterparts(self, side: str, record_id: str) -> list[str]:
        """Every counterpart the ``side`` ("demand" / "supply") record ever had a pair
        with, from the links (reads by ``_id``)."""
        return await self.links.of(side, record_id)

    async def deactivate(self, ids: Iterable[str], now: dt.datetime) -> list[str]:
        """The active pairs among ``ids`` leave the results; returns them. Pairs are read
        and changed by ``_id``: a filter on ``demand_id`` / ``supply_id`` scans the whole
        collection on FerretDB 1.x."""
        ids = list(ids)
        done = await asyncio.gather(*(self.change(i, lambda p: deactivated(p, now)) for i in ids))
        return [i for i, d in zip(ids, done, strict=True) if d]

    async def ranked_demands_of(self, supply_id: str) -> list[str]:
        """Demands whose standing ranks ``supply_id``: its links, then each pair by ``_id``."""
        demands = await self.links.of("supply", supply_id)
        found = await asyncio.gather(*(self.pairs.get(pair_id(d, supply_id)) for d in demands))
        return sorted(
            d for d, f in zip(demands, found, strict=True) if f and f.state.rank is not None
        )

    async def listing(
        self,
        organisation_id: str | None,
        *,
        demand_id: str | None,
        supply_id: str | None,
        include_dismissed: bool,
        skip: int,
        limit: int,
    ) -> tuple[list[Doc], int]:
        """Ranked, active pairs (of one organisation's records unless None), paged."""
        query: Doc = {"active": True, "rank": {"$ne": None}}
        if organisation_id is not None:
            # each side's own "not relevant" hides the pair from that side only
            demander: Doc = {"demand_org_id": organisation_id}
            supplier: Doc = {"supply_org_id": organisation_id}
            if not include_dismissed:
                demander["dismissed"] = {"$ne": True}
                supplier["supply_dismissed"] = {"$ne": True}
            query["$or"] = [demander, supplier]
        elif not include_dismissed:
            query["dismissed"] = {"$ne": True}
        if demand_id:
            query["demand_id"] = demand_id
        if supply_id:
            query["supply_id"] = supply_id
        total = await self.pairs.count(query)
        found = await self.pairs.find(
            query,
            sort=[("demand_id", ASCENDING), ("rank", ASCENDING), ("_id", ASCENDING)],
            skip=skip,
            limit=limit,
        )
        return [_doc(f) for f in found], total

    async def between(self, org_a: str, org_b: str) -> list[Doc]:
        """Every pair between two organisations, either way round, any market."""
        query = {
            "$or": [
                {"demand_org_id": org_a, "supply_org_id": org_b},
                {"demand_org_id": org_b, "supply_org_id": org_a},
            ]
        }
        return [_doc(f) for f in await self.pairs.find(query)]

    async def drop_all(self) -> None:
        await self.collection.drop()
