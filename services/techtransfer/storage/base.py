"""Techtransfer's repositories on the aggregate store (``shared/store.py``).

A repository keeps one aggregate kind: the domain model as JSON plus a few fields stored
beside it (``more``: contacts, the owner's district, a deal's eligibility record) in one
state, and native fields for queries (:meth:`Aggregates.index_fields`). Every write is a
store change: :meth:`Aggregates.add` a ``create``, :meth:`Aggregates.save` a ``save`` at
the version the use case read, so of N concurrent writers of one version exactly one wins
and the others get False (reload and decide again). The events go in the same change; the
change relay publishes them.

"One live X per Y" rules (one open interest per party and record, one live deal per
accepted interest, one live meeting request per pair) are claims on
:class:`shared.unique_keys.UniqueKeys`, taken before the aggregate is created, not unique
indexes: the store writes state documents after the change, where a refused write could not
be undone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from cachetools import LRUCache
from pydantic import BaseModel, ConfigDict
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from shared.events import Envelope
from shared.keyed_lists import ListSpec
from shared.store import Conflict, MongoAggregateStore, Versioned
from shared.unique_keys import UniqueKeys

M = TypeVar("M", bound=BaseModel)
Extra = Mapping[str, Any]


READ_KEPT = 1024  # aggregates whose last read a repository keeps for the save after it


class Duplicate(Exception):
    """A "one of these per ..." rule refused the write (the id or a live key is taken)."""


class StoredState(BaseModel):
    """What the store keeps: the model's JSON and the fields beside it, as they are."""

    model_config = ConfigDict(extra="allow")

    id: str = ""  # the store keeps it as ``_id``


class Aggregates(Generic[M]):
    """A collection of one aggregate kind; ``index_fields`` builds native query fields."""

    collection_name: ClassVar[str]
    kind: ClassVar[str]
    model: type[M]
    extra_keys: tuple[str, ...] = ()
    #: keyed lists the store keeps (lists that pin the key read by ``_id``)
    lists: ClassVar[tuple[ListSpec, ...]] = ()

    def __init__(self, db: AsyncDatabase, keys: UniqueKeys) -> None:
        self.store = MongoAggregateStore(
            db, self.kind, StoredState, collection=self.collection_name,
            index_fields=self._index, source="techtransfer", lists=self.lists,
        )  # fmt: skip
        self._col = self.store.col
        self._keys = keys
        # what this process last read of each aggregate: a save at that version starts
        # from it instead of reading it again (the store's compare-and-set still refuses
        # a save at a version someone else has moved past, and the use case reloads)
        self._read: LRUCache[str, Versioned[StoredState]] = LRUCache(maxsize=READ_KEPT)

    # -- what a kind may declare ---------------------------------------------------------

    def index_fields(self, entity: M) -> dict[str, Any]:
        """Fields stored beside the model for indexes and queries (never read back)."""
        return {}

    def unique_key(self, entity: M) -> str | None:
        """The key a new aggregate must hold alone while it is live (None: no rule)."""
        return None

    def is_live(self, entity: M) -> bool:
        """Whether ``entity`` still needs its unique key."""
        return True

    async def drop_legacy_unique(self, *names: str) -> None:
        """Drop a unique index a database from before the store has on this collection: the
        store's state writes must never be refused (the keys are claims now)."""
        for name in names:
            with contextlib.suppress(OperationFailure):
                await self._col.drop_index(name)

    # -- mapping -------------------------------------------------------------------------

    def _index(self, state: StoredState) -> dict[str, Any]:
        doc = state.model_dump()
        doc["_id"] = doc.pop("id")
        return self.index_fields(self.from_doc(doc))

    def _state(self, entity: M, base: Extra | None, more: Extra | None) -> StoredState:
        doc = entity.model_dump(mode="json")
        for key in self.extra_keys:
            if base and key in base:
                doc[key] = base[key]
        for path, value in (more or {}).items():
            head, _, tail = path.partition(".")  # "contacts.<org>" sets one entry
            if tail:
                doc[head] = {**(doc.get(head) or {}), tail: value}
            else:
                doc[head] = value
        return StoredState.model_validate(doc)

    def from_doc(self, doc: Mapping[str, Any]) -> M:
        skip = {"_id", "outbox", *self.extra_keys}
        data = {k: v for k, v in doc.items() if k not in skip}
        if "_id" in doc:
            data["id"] = doc["_id"]
        return self.model.model_validate(data)

    @staticmethod
    def _raw(agg_id: str, state: StoredState, version: int) -> dict[str, Any]:
        doc = state.model_dump()
        doc.pop("id", None)
        return {**doc, "_id": agg_id, "version": version}

    # -- writing -------------------------------------------------------------------------

    async def add(self, entity: M, envelopes: Sequence[Envelope], more: Extra | None = None):
        """Create ``entity`` (version 1) with its events; :class:`Duplicate` if its id or
        its live key is taken."""
        entity_id = doc_id(entity)
        key = self.unique_key(entity)
        if key is not None:

            async def live(holder: str) -> bool | None:
                found = await self.get(holder)
                return None if found is None else self.is_live(found)

            if not await self._keys.claim(key, entity_id, live):
                raise Duplicate(self.collection_name)
        try:
            await self.store.create(entity_id, self._state(entity, None, more), envelopes)
        except Conflict as exc:
            raise Duplicate(self.collection_name) from exc

    async def save(
        self,
        entity: M,
        *,
        expected_version: int,
        envelopes: Sequence[Envelope],
        more: Extra | None = None,
    ) -> bool:
        """Write ``entity`` as version ``expected_version + 1`` with its events; False if
        another writer changed it since (the use case reloads and decides again)."""
        entity_id = doc_id(entity)
        current = self._read.pop(entity_id, None)
        if current is None or current.version != expected_version:
            current = await self.store.get(entity_id)
        if current is None or current.version != expected_version:
            return False
        state = self._state(entity, current.state.model_dump(), more)
        try:
            await self.store.save(entity_id, state, expected_version, envelopes, loaded=current)
        except Conflict:
            return False
        return True

    # -- reading -------------------------------------------------------------------------

    async def get(self, entity_id: str) -> M | None:
        doc = await self.raw(entity_id)
        return self.from_doc(doc) if doc else None

    async def raw(self, entity_id: str) -> dict[str, Any] | None:
        found = await self.store.get(entity_id)
        if found is None:
            return None
        self._read[entity_id] = found
        return self._raw(entity_id, found.state, found.version)

    async def find(
        self,
        query: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        offset: int = 0,
        limit: int = 0,
    ) -> list[M]:
        return [self.from_doc(d) for d in await self.find_raw(query, sort, offset, limit)]

    async def find_raw(
        self,
        query: Mapping[str, Any],
        sort: list[tuple[str, int]] | None = None,
        offset: int = 0,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        found = await self.store.find(query, sort=sort, limit=limit, skip=offset)
        return [self._raw(v.state.id, v.state, v.version) for v in found]

    async def count(self, query: Mapping[str, Any]) -> int:
        return await self.store.count(query)

    async def page(
        self, query: Mapping[str, Any], *, sort: list[tuple[str, int]], offset: int, limit: int
    ) -> tuple[list[M], int]:
        """A page and the total (a keyed list that answers is read once for both)."""
        found, total = await self.store.page(query, sort=sort, limit=limit, skip=offset)
        raw = [self._raw(v.state.id, v.state, v.version) for v in found]
        return [self.from_doc(d) for d in raw], total


def doc_id(entity: BaseModel) -> str:
    return entity.id  # type: ignore[attr-defined]
