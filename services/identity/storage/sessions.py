"""Refresh tokens: opaque, stored only as SHA-256 digests, single use, grouped in families
so that reuse of a spent token revokes the whole family (stolen-token detection)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase


class MongoRefreshTokenRepository:
    collection_name = "refresh_tokens"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

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
        return await self._col.find_one_and_update(
            {"_id": digest, "used": False, "revoked": False},
            {"$set": {"used": True}},
            return_document=ReturnDocument.BEFORE,
        )

    async def find(self, digest: str) -> dict[str, Any] | None:
        return await self._col.find_one({"_id": digest})

    async def revoke_family(self, family: str) -> None:
        await self._col.update_many({"family": family}, {"$set": {"revoked": True}})

    async def revoke_user(self, user_id: str) -> None:
        await self._col.update_many({"user_id": user_id}, {"$set": {"revoked": True}})
