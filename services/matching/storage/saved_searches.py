"""Saved searches (one document per search) and their hits (one per search x record).

A hit's ``_id`` is ``<search_id>|<record_id>`` and it is inserted together with its
``matching.match.suggested`` event in the outbox: a duplicate key means the event
already went out, so a replayed ``published`` event fires nothing twice.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.outbox import outbox_landed, with_outbox

Doc = dict[str, Any]


class MongoSavedSearchRepository:
    collection_name = "saved_searches"
    hits_name = "saved_search_hits"

    def __init__(self, db: AsyncDatabase) -> None:
        self.searches = db[self.collection_name]
        self.hits = db[self.hits_name]

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
        written = with_outbox(doc, envelopes)
        try:
            await self.hits.insert_one(written)
        except DuplicateKeyError:
            return False
        outbox_landed(self.hits, written)
        return True

    async def hits_of(self, search_id: str) -> list[Doc]:
        cursor = self.hits.find({"search_id": search_id}, {"outbox": 0})
        return [d async for d in cursor]
