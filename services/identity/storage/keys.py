"""Signing keys collection. Rotation is a single insert: the newest key signs, the two
newest are published, so there is never a moment without a current key."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.identity.domain.keys import PUBLISHED_KEYS, SigningKey


class MongoSigningKeyRepository:
    collection_name = "signing_keys"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index([("created_at", -1), ("_id", -1)])

    async def add(self, key: SigningKey) -> None:
        doc = key.model_dump()
        doc["_id"] = doc.pop("kid")
        await self._col.insert_one(doc)

    async def newest(self, n: int = PUBLISHED_KEYS) -> list[SigningKey]:
        cursor = self._col.find({}).sort([("created_at", -1), ("_id", -1)]).limit(n)
        return [SigningKey.model_validate({"kid": d.pop("_id"), **d}) async for d in cursor]
