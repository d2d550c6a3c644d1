"""Users on the aggregate store: one per person, password stored as an argon2 hash. One user
per e-mail is a :class:`shared.unique_keys.UniqueKeys` claim taken before the user is
created; changes (password, fields) are versioned saves, so none is lost to another."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.identity.domain.records import User
from shared.events import Envelope
from shared.store import MongoAggregateStore
from shared.unique_keys import UniqueKeys


class DuplicateEmail(Exception):
    """Another user already signs in with this e-mail."""


class MongoUserRepository:
    collection_name = "users"

    def __init__(self, db: AsyncDatabase, keys: UniqueKeys) -> None:
        self.store = MongoAggregateStore(
            db, "user", User, collection=self.collection_name, source="identity"
        )
        self._keys = keys

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes("organisation_id")
        # a database from before the store keeps its unique index on this field
        with contextlib.suppress(OperationFailure):
            await self.store.ensure_indexes("email")

    async def add(self, user: User, envelopes: Sequence[Envelope]) -> None:
        """Claim the e-mail, then create the user with its events (one change)."""
        email = user.email

        async def live(holder: str) -> bool | None:
            found = await self.store.get(holder)
            return None if found is None else found.state.email == email

        if not await self._keys.claim(f"email:{email}", user.id, live):
            raise DuplicateEmail
        await self.store.create(user.id, user, envelopes)

    async def get(self, user_id: str) -> User | None:
        found = await self.store.get(user_id)
        return found.state if found else None

    async def by_email(self, email: str) -> User | None:
        found = await self.store.find({"email": email}, limit=1)
        return found[0].state if found else None

    async def in_organisation(self, org_id: str) -> list[User]:
        found = await self.store.find({"organisation_id": org_id}, sort=[("created_at", 1)])
        return [v.state for v in found]

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.update(user_id, {"password_hash": password_hash})

    async def update(self, user_id: str, fields: dict[str, Any]) -> None:
        def change(current: Any) -> tuple[User, list[Envelope]]:
            return current.state.model_copy(update=fields), []

        await self.store.update(user_id, change, not_found=lambda: LookupError(user_id))

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return await self.store.count(query or {})
