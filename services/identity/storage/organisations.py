"""Organisations collection: the aggregate with its outbox, written in one update each time."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.identity.domain.records import Organisation
from services.identity.domain.tiers import TierChange, TierState
from shared.db import update_one_where
from shared.events import Envelope
from shared.outbox import outbox_landed, outbox_push, with_outbox


class DuplicateOrganisation(Exception):
    """Another organisation already has this credit code."""


def _to_doc(org: Organisation) -> dict[str, Any]:
    doc = org.model_dump(mode="json")
    doc["_id"] = doc.pop("id")
    doc["type"] = org.profile.type.value
    doc["registry_key"] = org.registry_key
    return doc


def _from_doc(doc: dict[str, Any]) -> Organisation:
    fields = {k: v for k, v in doc.items() if k not in ("_id", "outbox", "type", "registry_key")}
    return Organisation.model_validate({"id": doc["_id"], **fields})


class MongoOrganisationRepository:
    """Stores organisations; every write carries its events into the ``outbox`` array."""

    collection_name = "organisations"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("registry_key", unique=True)
        await self._col.create_index([("type", 1), ("profile.name", 1)])
        await self._col.create_index("profile.district")

    async def add(self, org: Organisation, envelopes: list[Envelope]) -> None:
        doc = with_outbox(_to_doc(org), envelopes)
        try:
            await self._col.insert_one(doc)
        except DuplicateKeyError as exc:
            raise DuplicateOrganisation(org.registry_key) from exc
        outbox_landed(self._col, doc)

    async def get(self, org_id: str) -> Organisation | None:
        doc = await self._col.find_one({"_id": org_id}, {"outbox": 0})
        return _from_doc(doc) if doc else None

    async def search(
        self,
        *,
        org_type: str | None = None,
        district: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Organisation]:
        query: dict[str, Any] = {}
        if org_type:
            query["type"] = org_type
        if district:
            query["profile.district"] = district
        cursor = self._col.find(query, {"outbox": 0}).sort("_id", 1).skip(offset).limit(limit)
        return [_from_doc(d) async for d in cursor]

    async def enterprise_ids(self) -> list[str]:
        return [d["_id"] async for d in self._col.find({"type": "enterprise"}, {"_id": 1})]

    async def save(
        self,
        org: Organisation,
        *,
        expected_version: int,
        new_history: list[TierChange] | None = None,
        envelopes: list[Envelope],
    ) -> bool:
        """Write the new state if nobody wrote since ``expected_version`` was read.

        Tier history is only ever ``$push``-ed: past entries are never rewritten.
        """
        doc = _to_doc(org)
        state = {k: doc[k] for k in ("profile", "updated_at", "version", "tiers", "registry_key")}
        push: dict[str, Any] = dict(outbox_push(envelopes, doc_id=org.id)["$push"])
        if new_history:
            push["tier_history"] = {"$each": [c.model_dump(mode="json") for c in new_history]}
        update = {"$set": state, "$push": push}
        try:
            updated = await update_one_where(
                self._col, org.id, {"version": expected_version}, update
            )
        except DuplicateKeyError as exc:
            raise DuplicateOrganisation(org.registry_key) from exc
        if not updated:
            return False
        outbox_landed(self._col, update, org.id)
        return True

    async def tiers(self, org_id: str) -> TierState | None:
        doc = await self._col.find_one({"_id": org_id}, {"tiers": 1})
        return TierState.model_validate(doc["tiers"]) if doc else None
