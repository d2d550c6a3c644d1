"""Recipients: users learned from identity events, updated only by newer versions.

An organisation's members come from a keyed list (:mod:`shared.keyed_lists`: one
document per organisation, read by ``_id``; entries versioned by the user's version), not
from a filter on ``organisation_id``, which reads the whole collection on the local engine.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifications.domain.records import Recipient
from shared.keyed_lists import KeyedLists, ListSpec, documents

BY_ORGANISATION = ListSpec("organisation", ("organisation_id",), ("disabled",))


def _from_doc(doc: dict[str, Any]) -> Recipient:
    return Recipient.model_validate({"user_id": doc["_id"], **doc})


class MongoRecipientRepository:
    collection_name = "recipients"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self.lists = KeyedLists(db, self.collection_name, [BY_ORGANISATION])

    async def ensure_indexes(self) -> None:
        await self._col.create_index("organisation_id")
        await self.lists.ensure_built(self._col)  # a database from before the lists: once

    async def upsert(self, recipient: Recipient) -> str | None:
        """Store ``recipient`` unless a same-or-newer version is stored.

        Returns ``"new"`` for a user not known before, ``"updated"``, or None (stale).
        """
        doc = recipient.model_dump(exclude={"user_id"})
        before = await self._col.find_one({"_id": recipient.user_id})  # which list it leaves
        try:
            result = await self._col.update_one(
                {"_id": recipient.user_id, "version": {"$lt": recipient.version}},
                {"$set": doc},
                upsert=True,
            )
        except DuplicateKeyError:  # the stored version is the same or newer
            return None
        if result.upserted_id is None and not result.modified_count:
            return None
        after = {"_id": recipient.user_id, **doc}
        await self.lists.track(recipient.user_id, recipient.version, before, after)
        return "new" if result.upserted_id is not None else "updated"

    async def get(self, user_id: str) -> Recipient | None:
        doc = await self._col.find_one({"_id": user_id})
        return _from_doc(doc) if doc else None

    async def in_organisation(self, organisation_id: str) -> list[Recipient]:
        query = {"organisation_id": organisation_id, "disabled": False}
        entries = await self.lists.select(BY_ORGANISATION, [organisation_id], query, [("_id", 1)])
        return [_from_doc(d) for d in await documents(self._col, entries, query)]
