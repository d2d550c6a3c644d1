"""Refresh tokens: opaque, stored only as SHA-256 digests, single use, grouped in families
so that reuse of a spent token revokes the whole family (stolen-token detection).

Spending is a unique insert (``refresh_spent/<digest>``): of two concurrent refreshes
with one token exactly one gets it (a guarded find-and-modify lets both win on
FerretDB)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class MongoRefreshTokenRepository:
    collection_name = "refresh_tokens"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self._spent = db["refresh_spent"]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("family")
        await self._col.create_index("user_id")

    async def add(
        self, digest: str, *, user_id: str, family: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        await self._col.insert_one(
            {
                "_id": digest,
                "user_id": user_id,
                "family": family,
                "created_at": now,
                "expires_at": expires_at,
                "used": False,
                "revoked": False,
            }
        )

    async def spend(self, digest: str) -> dict[str, Any] | None:
        """Mark a live token used; returns it as it was, or None if missing, spent or revoked."""
        doc = await self._col.find_one({"_id": digest})
        if doc is None or doc["used"] or doc["revoked"]:
            return None
        try:
            await self._spent.insert_one({"_id": digest, "at": dt.datetime.now(dt.UTC)})
        except DuplicateKeyError:
            return None  # spent by a concurrent refresh
        await self._col.update_one({"_id": digest}, {"$set": {"used": True}})
        return doc

    async def find(self, digest: str) -> dict[str, Any] | None:
        """The token as stored; ``used`` also when its spend has landed but not the mark."""
        doc = await self._col.find_one({"_id": digest})
        if doc is not None and not doc["used"]:
            doc["used"] = await self._spent.find_one({"_id": digest}) is not None
        return doc

    async def revoke_family(self, family: str) -> None:
        await self._col.update_many({"family": family}, {"$set": {"revoked": True}})

    async def revoke_user(self, user_id: str) -> None:
        await self._col.update_many({"user_id": user_id}, {"$set": {"revoked": True}})
