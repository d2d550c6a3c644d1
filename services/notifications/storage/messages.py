"""Inbox messages: id derived from (event, recipient), listed newest first per user.

Each user's inbox is a keyed list (:mod:`shared.keyed_lists`): one document per user,
read by ``_id``, holding the ids, times and read marks of their messages, so a page, the
unread count and "mark all read" never read the whole collection (on the local engine a
filter on ``user_id`` did: ~100 ms for a page and ~450 ms for a count at 20,000
messages). A message's list entry is versioned: 1 stored, 2 read, 3 purged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from services.notifications.domain.records import Message
from shared.keyed_lists import KeyedLists, ListSpec, documents
from shared.listquery import matches, sort_docs

INBOX = ListSpec("inbox", ("user_id",), ("created_at", "read_at"), buckets=4)
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]
STORED, READ, PURGED = 1, 2, 3


def _from_doc(doc: dict[str, Any]) -> Message:
    return Message.model_validate({"id": doc["_id"], **doc})


class MongoMessageRepository:
    collection_name = "messages"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self.lists = KeyedLists(db, self.collection_name, [INBOX])

    async def _track(self, docs: list[dict[str, Any]], version: int, old: bool = False) -> None:
        """Put ``docs`` in their inboxes at ``version`` (``old``: take them out), all at
        once: writes to one inbox bucket queued together go in one write."""
        await asyncio.gather(
            *(self.lists.track(d["_id"], version, *((d, {}) if old else (None, d))) for d in docs)
        )

    async def ensure_indexes(self) -> None:
        # The _id is already unique; this one states the domain rule in its own terms.
        await self._col.create_index(
            [("event_id", 1), ("user_id", 1)], unique=True, name="one_message_per_event_user"
        )
        # a user's inbox is read from its keyed list, never by a user_id filter: no index
        # on it (each would cost every insert); created_at serves the retention purge
        await self._col.create_index("created_at")
        # a database from before the inbox lists: built once
        await self.lists.ensure_built(self._col, lambda d: READ if d.get("read_at") else STORED)

    async def add_many(self, messages: list[Message]) -> list[bool]:
        """Insert several in one round trip (unordered); False for a message that exists.
        Any other write error fails the whole call (the handlers retry: idempotent)."""
        docs = [{"_id": m.id, **m.model_dump(exclude={"id"})} for m in messages]
        existing: set[int] = set()
        try:
            await self._col.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            existing = {e["index"] for e in errors}
        # Every message, the duplicates too: a redelivery after a crash between the insert
        # and the list write mends the entry (last writer by version: never un-reads one).
        await self._track(docs, STORED)
        return [i not in existing for i in range(len(docs))]

    async def get(self, message_id: str) -> Message | None:
        doc = await self._col.find_one({"_id": message_id})
        return _from_doc(doc) if doc else None

    async def many(self, message_ids: list[str]) -> list[Message]:
        # one _id read each: ``_id: {$in: ...}`` reads the whole collection on FerretDB 1.x
        docs = await asyncio.gather(*(self._col.find_one({"_id": i}) for i in message_ids))
        found = [_from_doc(d) for d in docs if d is not None]
        return sorted(found, key=lambda m: m.created_at)

    async def page(
        self,
        user_id: str,
        *,
        unread_only: bool,
        limit: int,
        after: tuple[dt.datetime, str] | None = None,
    ) -> tuple[list[Message], int]:
        """Newest first, and the user's unread count, from one read of their inbox list;
        ``after`` is the (created_at, id) of the last item already seen."""
        query: dict[str, Any] = {"user_id": user_id}
        if unread_only:
            query["read_at"] = None
        if after is not None:
            at, last_id = after
            query["$or"] = [
                {"created_at": {"$lt": at}},
                {"created_at": at, "_id": {"$lt": last_id}},
            ]
        entries = await self.lists.entries(INBOX, [user_id])
        unread = sum(1 for e in entries if e.get("read_at") is None)
        chosen = sort_docs([e for e in entries if matches(query, e)], NEWEST_FIRST)[:limit]
        return [_from_doc(d) for d in await documents(self._col, chosen, query)], unread

    async def unread_count(self, user_id: str) -> int:
        query = {"user_id": user_id, "read_at": None}
        return len(await self.lists.select(INBOX, [user_id], query, []))

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
            await self._track([doc], READ)
        return _from_doc(doc)

    async def mark_all_read(self, user_id: str, at: dt.datetime) -> int:
        query = {"user_id": user_id, "read_at": None}
        unread = await self.lists.select(INBOX, [user_id], query, [])
        marked = 0
        for entry in unread:  # keyed writes; a message read meanwhile keeps its own time
            if await self.mark_read(user_id, entry["_id"], at) is not None:
                marked += 1
        return marked

    async def purge_older_than(self, cutoff: dt.datetime) -> int:
        """Retention (housekeeping, not a hot path: it reads by ``created_at``)."""
        old = {"created_at": {"$lt": cutoff}}
        gone = await self._col.find(old, {"user_id": 1, "created_at": 1}).to_list()
        await self._track(gone, PURGED, old=True)
        result = await self._col.delete_many(old)
        return result.deleted_count
