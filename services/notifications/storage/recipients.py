"""Recipients: users learned from identity events, updated only by newer versions."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifications.domain.records import Recipient


def _from_doc(doc: dict[str, Any]) -> Recipient:
    return Recipient.model_validate({"user_id": doc["_id"], **doc})


class MongoRecipientRepository:
    collection_name = "recipients"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("organisation_id")

    async def upsert(self, recipient: Recipient) -> str | None:
        """Store ``recipient`` unless a same-or-newer version is stored.

        Returns ``"new"`` for a user not known before, ``"updated"``, or None (stale).
        """
        doc = recipient.model_dump(exclude={"user_id"})
        try:
            result = await self._col.update_one(
                {"_id": recipient.user_id, "version": {"$lt": recipient.version}},
                {"$set": doc},
                upsert=True,
            )
        except DuplicateKeyError:  # the stored version is the same or newer
            return None
        if result.upserted_id is not None:
            return "new"
        return "updated" if result.modified_count else None

    async def get(self, user_id: str) -> Recipient | None:
        doc = await self._col.find_one({"_id": user_id})
        return _from_doc(doc) if doc else None

    async def in_organisation(self, organisation_id: str) -> list[Recipient]:
        cursor = self._col.find({"organisation_id": organisation_id, "disabled": False})
        return [_from_doc(d) async for d in cursor.sort("_id", 1)]
