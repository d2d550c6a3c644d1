"""Saved searches (one document per search) and their hits (one per search x record).

A hit's ``_id`` is ``<search_id>|<record_id>``; it is created on the aggregate store
with its ``matching.match.suggested`` event (one change): a second creation is a
conflict, so a replayed ``published`` event fires nothing twice.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.store import Conflict, MongoAggregateStore

Doc = dict[str, Any]


class SavedSearchHit(BaseModel):
    """A record that matched a saved search (written once)."""

    model_config = ConfigDict(extra="allow")

    id: str


class MongoSavedSearchRepository:
    collection_name = "saved_searches"
    hits_name = "saved_search_hits"

    def __init__(self, db: AsyncDatabase) -> None:
        self.searches = db[self.collection_name]
        self._hits = MongoAggregateStore(
            db, "saved_search_hit", SavedSearchHit, collection=self.hits_name
        )
        self.hits = self._hits.col

    async def ensure_indexes(self) -> None:
        await self.searches.create_index([("user_id", ASCENDING)])
        await self.hits.create_index([("search_id", ASCENDING)])

    async def add(self, doc: Doc) -> None:
        await self.searches.insert_one(doc)

    async def get(self, search_id: str) -> Doc | None:
        return await self.searches.find_one({"_id": search_id})

    async def of_user(self, user_id: str) -> list[Doc]:
        cursor = self.searches.find({"user_id": user_id}).sort("created_at", ASCENDING)
        return [d async for d in cursor]

    async def remove(self, search_id: str) -> bool:
        return (await self.searches.delete_one({"_id": search_id})).deleted_count == 1

    async def record_hit(self, doc: Doc, envelopes: list[Any]) -> bool:
        """Store a hit with its event; False when it was stored before (nothing sent)."""
        hit = SavedSearchHit.model_validate({**doc, "id": doc["_id"]})
        try:
            await self._hits.create(hit.id, hit, envelopes)
        except Conflict:
            return False
        return True

    async def hits_of(self, search_id: str) -> list[Doc]:
        cursor = self.hits.find({"search_id": search_id})
        return [d async for d in cursor]
