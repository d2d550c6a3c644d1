"""Inbox messages: id derived from (event, recipient), listed newest first per user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.notifications.domain.records import Message


def _from_doc(doc: dict[str, Any]) -> Message:
    return Message.model_validate({"id": doc["_id"], **doc})


class MongoMessageRepository:
    collection_name = "messages"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        # The _id is already unique; this one states the domain rule in its own terms.
        await self._col.create_index(
            [("event_id", 1), ("user_id", 1)], unique=True, name="one_message_per_event_user"
        )
        await self._col.create_index([("user_id", 1), ("created_at", DESCENDING)])
        await self._col.create_index([("user_id", 1), ("read_at", 1)])
        await self._col.create_index("created_at")

    async def add(self, message: Message) -> bool:
        """Insert; False when this (event, recipient) already has its message."""
        try:
            await self._col.insert_one({"_id": message.id, **message.model_dump(exclude={"id"})})
        except DuplicateKeyError:
            return False
        return True

    async def add_many(self, messages: list[Message]) -> list[bool]:
        """Insert several in one round trip (unordered); False for a message that exists.
        Any other write error fails the whole call (the handlers retry: idempotent)."""
        docs = [{"_id": m.id, **m.model_dump(exclude={"id"})} for m in messages]
        try:
            await self._col.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            existing = {e["index"] for e in errors}
            return [i not in existing for i in range(len(docs))]
        return [True] * len(docs)

    async def get(self, message_id: str) -> Message | None:
        doc = await self._col.find_one({"_id": message_id})
        return _from_doc(doc) if doc else None

    async def many(self, message_ids: list[str]) -> list[Message]:
        cursor = self._col.find({"_id": {"$in": message_ids}}).sort("created_at", 1)
        return [_from_doc(d) async for d in cursor]

    async def page(
        self,
        user_id: str,
        *,
        unread_only: bool,
        limit: int,
        after: tuple[dt.datetime, str] | None = None,
    ) -> list[Message]:
        """Newest first; ``after`` is the (created_at, id) of the last item already seen."""
        query: dict[str, Any] = {"user_id": user_id}
        if unread_only:
            query["read_at"] = None
        if after is not None:
            at, last_id = after
            query["$or"] = [
                {"created_at": {"$lt": at}},
                {"created_at": at, "_id": {"$lt": last_id}},
            ]
        cursor = self._col.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        return [_from_doc(d) async for d in cursor.limit(limit)]

    async def unread_count(self, user_id: str) -> int:
        return await self._col.count_documents({"user_id": user_id, "read_at": None})

    async def mark_read(self, user_id: str, message_id: str, at: dt.datetime) -> Message | None:
        """Mark the user's own message read (idempotent); None when it is not theirs."""
        # by _id alone: FerretDB 1.x scans the collection for any other filter shape
        doc = await self._col.find_one({"_id": message_id})
        if doc is None or doc.get("user_id") != user_id:
            return None
        if doc.get("read_at") is None:
            # A keyed write, not a guarded one: two marks racing both set a read time a
            # moment apart, and either is true. Nothing else depends on which wins.
            await self._col.update_one({"_id": message_id}, {"$set": {"read_at": at}})
            doc = {**doc, "read_at": at}
        return _from_doc(doc)

    async def mark_all_read(self, user_id: str, at: dt.datetime) -> int:
        result = await self._col.update_many(
            {"user_id": user_id, "read_at": None}, {"$set": {"read_at": at}}
        )
        return result.modified_count

    async def purge_older_than(self, cutoff: dt.datetime) -> int:
        result = await self._col.delete_many({"created_at": {"$lt": cutoff}})
        return result.deleted_count
