"""Organisations on the aggregate store: every change (profile, tiers and the tier history
entries it appends) is one ``save`` at the version read, with its events; the change relay
publishes them. One credit code per organisation is a :class:`shared.unique_keys.UniqueKeys`
claim taken before the organisation is written."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.identity.domain.records import Organisation
from services.identity.domain.signup import holds_registry_key
from shared.events import Envelope
from shared.store import MongoAggregateStore, Versioned
from shared.unique_keys import UniqueKeys


class DuplicateOrganisation(Exception):
    """Another organisation already has this credit code."""


def _index_fields(org: Organisation) -> dict[str, Any]:
    return {
        "type": org.profile.type.value,
        "registry_key": org.registry_key,
        "standing": org.standing.value,
    }


class MongoOrganisationRepository:
    """Organisations by id; conditional changes only through :meth:`save`."""

    collection_name = "organisations"

    def __init__(self, db: AsyncDatabase, keys: UniqueKeys) -> None:
        self.store = MongoAggregateStore(
            db, "organisation", Organisation, collection=self.collection_name,
            index_fields=_index_fields, source="identity",
        )  # fmt: skip
        self._keys = keys

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes(
            [("type", 1), ("profile.name", 1)], "profile.district", "standing"
        )
        # a database from before the store keeps its unique index on this field
        with contextlib.suppress(OperationFailure):
            await self.store.ensure_indexes("registry_key")

    async def _claim(self, org: Organisation) -> None:
        """Take the organisation's credit code (ids need no claim: they are unique)."""
        key = org.registry_key
        if not key.startswith("uscc:"):
            return

        async def live(holder: str) -> bool | None:
            found = await self.store.get(holder)
            if found is None:
                return None
            return found.state.registry_key == key and holds_registry_key(found.state.standing)

        if not await self._keys.claim(f"org:{key}", org.id, live):
            raise DuplicateOrganisation(key)

    async def add(self, org: Organisation, envelopes: Sequence[Envelope]) -> Organisation:
        await self._claim(org)
        return (await self.store.create(org.id, org, envelopes)).state

    async def load(self, org_id: str) -> Versioned[Organisation] | None:
        return await self.store.get(org_id)

    async def get(self, org_id: str) -> Organisation | None:
        found = await self.store.get(org_id)
        return found.state if found else None

    async def search(
        self,
        *,
        org_type: str | None = None,
        district: str | None = None,
        standing: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Organisation], int]:
        """A page of organisations and how many match in all."""
        query: dict[str, Any] = {}
        if org_type:
            query["type"] = org_type
        if district:
            query["profile.district"] = district
        if standing:  # documents written before self-sign-up have none: they are verified
            query["standing"] = standing if standing != "verified" else {"$in": ["verified", None]}
        found = await self.store.find(query, limit=limit, skip=offset)
        return [v.state for v in found], await self.store.count(query)

    async def enterprise_ids(self) -> list[str]:
        return [v.state.id for v in await self.store.find({"type": "enterprise"})]

    async def save(
        self,
        org: Organisation,
        *,
        expected_version: int,
        envelopes: Sequence[Envelope],
        new_key: bool = False,
    ) -> Organisation:
        """Write ``org`` as the next version (``new_key``: its credit code changed, claim
        it first), or raise :class:`shared.store.Conflict`."""
        if new_key:
            await self._claim(org)
        return (await self.store.save(org.id, org, expected_version, envelopes)).state
