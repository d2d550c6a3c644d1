"""Webhook endpoints, per organisation.

An organisation's endpoints are read for every event told to it, so they come from a
keyed list (:mod:`shared.keyed_lists`, one document per organisation read by ``_id``),
not from a filter on ``organisation_id`` (which reads the whole collection on the local
engine). Entry versions: 1 added, 2 deactivated.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.domain.records import WebhookEndpoint
from shared.keyed_lists import KeyedLists, ListSpec, documents

BY_ORGANISATION = ListSpec("organisation", ("organisation_id",), ("active", "created_at"))


def _from_doc(doc: dict[str, Any]) -> WebhookEndpoint:
    return WebhookEndpoint.model_validate({"id": doc["_id"], **doc})


class MongoWebhookEndpointRepository:
    collection_name = "webhook_endpoints"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self.lists = KeyedLists(db, self.collection_name, [BY_ORGANISATION])

    async def ensure_indexes(self) -> None:
        await self._col.create_index("organisation_id")
        await self.lists.ensure_built(self._col, lambda d: 1 if d.get("active", True) else 2)

    async def add(self, endpoint: WebhookEndpoint) -> None:
        doc = {"_id": endpoint.id, **endpoint.model_dump(exclude={"id"})}
        await self._col.insert_one(doc)
        await self.lists.track(endpoint.id, 1, None, doc)

    async def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        doc = await self._col.find_one({"_id": endpoint_id})
        return _from_doc(doc) if doc else None

    async def of_organisation(self, organisation_id: str, *, active_only: bool = False):
        query: dict[str, Any] = {"organisation_id": organisation_id}
        if active_only:
            query["active"] = True
        entries = await self.lists.select(
            BY_ORGANISATION, [organisation_id], query, [("created_at", 1), ("_id", 1)]
        )
        return [_from_doc(d) for d in await documents(self._col, entries, query)]

    async def deactivate(self, organisation_id: str, endpoint_id: str) -> bool:
        """Deactivate the organisation's active endpoint; False when it is not theirs or
        already inactive."""
        # read, then a keyed write (no guarded update_one, no re-read of what was written):
        # two removals racing both deactivate it, and either answer is true
        doc = await self._col.find_one({"_id": endpoint_id})
        if doc is None or doc.get("organisation_id") != organisation_id:
            return False
        if doc.get("active", True):
            await self._col.update_one({"_id": endpoint_id}, {"$set": {"active": False}})
        await self.lists.track(endpoint_id, 2, None, {**doc, "active": False})
        return bool(doc.get("active", True))
