"""One aggregate per document: the domain model as JSON, a few native index fields, and
the ``outbox`` array its events ride in, always written by the same single-document call.

Writes after the first are conditional on ``version`` (optimistic concurrency): a save
that finds another writer got there first returns False and the use case retries.

FerretDB 1.x does not apply a filtered ``update_one`` atomically: measured here, several
concurrent updates filtered on the same ``version`` all report a modification (the last
one wins, with its own events, so state and outbox stay consistent, but the losers are
told they succeeded). Unique inserts are atomic, so each save first claims the move from
version N with a document ``<collection>:<id>:<N>`` in ``version_claims``; only the
claimant updates. A claim left behind by a process that died before its update is taken
over after ``STALE_CLAIM``. Nothing else writes an aggregate: the outbox relay keeps its
marks in a side collection (see ``shared/outbox.py``).

After a successful write the events it carried are handed to the relay
(``outbox_landed``), which publishes them without reading the document back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import update_one_where
from shared.events import Envelope
from shared.outbox import outbox_landed, outbox_push, with_outbox

M = TypeVar("M", bound=BaseModel)
Extra = Mapping[str, Any]
NO_OUTBOX = {"outbox": 0}
CLAIMS = "version_claims"
STALE_CLAIM = dt.timedelta(seconds=30)


class Duplicate(Exception):
    """A unique index refused the write (the domain's "one of these per ..." rules)."""


class Aggregates(Generic[M]):
    """A collection of one aggregate kind; ``extra`` builds native fields for queries."""

    collection_name: str
    model: type[M]

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self._claims = db[CLAIMS]

    def index_fields(self, entity: M) -> dict[str, Any]:
        """Fields stored beside the model for indexes and queries (never read back)."""
        return {}

    extra_keys: tuple[str, ...] = ()

    def to_doc(self, entity: M, more: Extra | None = None) -> dict[str, Any]:
        doc = entity.model_dump(mode="json")
        doc["_id"] = doc.pop("id")
        doc.update(self.index_fields(entity))
        doc.update(more or {})
        return doc

    def from_doc(self, doc: Mapping[str, Any]) -> M:
        skip = {"_id", "outbox", *self.extra_keys}
        return self.model.model_validate(
            {"id": doc["_id"], **{k: v for k, v in doc.items() if k not in skip}}
        )

    async def add(self, entity: M, envelopes: list[Envelope], more: Extra | None = None) -> None:
        try:
            written = with_outbox(self.to_doc(entity, more), envelopes)
            await self._col.insert_one(written)
        except DuplicateKeyError as exc:
            raise Duplicate(self.collection_name) from exc
        outbox_landed(self._col, written)

    async def save(
        self,
        entity: M,
        *,
        expected_version: int,
        envelopes: list[Envelope],
        more: Extra | None = None,
    ) -> bool:
        """Replace the state if nobody wrote since ``expected_version``; push the events."""
        entity_id = doc_id(entity)
        claim = f"{self.collection_name}:{entity_id}:{expected_version}"
        if not await self._claim(claim, entity_id, expected_version):
            return False
        try:
            doc = self.to_doc(entity, more)
            doc.pop("_id")
            update: dict[str, Any] = {"$set": doc}
            if envelopes:  # staged only for a write that will be attempted
                update.update(outbox_push(envelopes, doc_id=entity_id))
            if not await update_one_where(
                self._col, entity_id, {"version": expected_version}, update
            ):
                return False
            outbox_landed(self._col, update, entity_id)
            return True
        except DuplicateKeyError as exc:
            raise Duplicate(self.collection_name) from exc
        finally:
            await self._claims.delete_one({"_id": claim})

    async def _claim(self, claim: str, entity_id: str, version: int) -> bool:
        now = dt.datetime.now(dt.UTC)
        try:
            await self._claims.insert_one({"_id": claim, "at": now})
            return True
        except DuplicateKeyError:
            held = await self._claims.find_one({"_id": claim})
            current = await self._col.find_one({"_id": entity_id}, {"version": 1})
            at = held["at"] if held else now
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            if held and current and current.get("version") == version and now - at > STALE_CLAIM:
                await self._claims.delete_one({"_id": claim, "at": held["at"]})  # dead holder
            return False

    async def get(self, entity_id: str) -> M | None:
        doc = await self._col.find_one({"_id": entity_id}, NO_OUTBOX)
        return self.from_doc(doc) if doc else None

    async def raw(self, entity_id: str) -> dict[str, Any] | None:
        return await self._col.find_one({"_id": entity_id}, NO_OUTBOX)

    async def find(
        self,
        query: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        offset: int = 0,
        limit: int = 0,
    ) -> list[M]:
        cursor = self._col.find(dict(query), NO_OUTBOX).sort(sort or [("_id", 1)])
        if offset:
            cursor = cursor.skip(offset)
        if limit:
            cursor = cursor.limit(limit)
        return [self.from_doc(d) async for d in cursor]

    async def find_raw(self, query: Mapping[str, Any], limit: int = 0) -> list[dict[str, Any]]:
        cursor = self._col.find(dict(query), NO_OUTBOX).sort([("_id", 1)])
        if limit:
            cursor = cursor.limit(limit)
        return [d async for d in cursor]

    async def count(self, query: Mapping[str, Any]) -> int:
        return await self._col.count_documents(dict(query))


def doc_id(entity: BaseModel) -> str:
    return entity.id  # type: ignore[attr-defined]
