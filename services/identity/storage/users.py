"""Users collection: one document per person, e-mail unique, password stored as argon2 hash."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.identity.domain.records import User
from shared.events import Envelope
from shared.outbox import outbox_landed, with_outbox


class DuplicateEmail(Exception):
    """Another user already signs in with this e-mail."""


def _from_doc(doc: dict[str, Any]) -> User:
    return User.model_validate({"id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}})


class MongoUserRepository:
    collection_name = "users"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("email", unique=True)
        await self._col.create_index("organisation_id")

    async def add(self, user: User, envelopes: list[Envelope]) -> None:
        """Insert the user together with its pending events (one write)."""
        doc = user.model_dump(mode="json")
        doc["_id"] = doc.pop("id")
        doc["version"] = 1
        written = with_outbox(doc, envelopes)
        try:
            await self._col.insert_one(written)
        except DuplicateKeyError as exc:
            raise DuplicateEmail from exc
        outbox_landed(self._col, written)

    async def get(self, user_id: str) -> User | None:
        doc = await self._col.find_one({"_id": user_id})
        return _from_doc(doc) if doc else None

    async def by_email(self, email: str) -> User | None:
        doc = await self._col.find_one({"email": email})
        return _from_doc(doc) if doc else None

    async def in_organisation(self, org_id: str) -> list[User]:
        cursor = self._col.find({"organisation_id": org_id}).sort("created_at", 1)
        return [_from_doc(d) async for d in cursor]

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self._col.update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})

    async def update(self, user_id: str, fields: dict[str, Any]) -> None:
        await self._col.update_one({"_id": user_id}, {"$set": fields})

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return await self._col.count_documents(query or {})
