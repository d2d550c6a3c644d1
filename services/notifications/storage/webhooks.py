"""Webhook endpoints, per organisation."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.domain.records import WebhookEndpoint


def _from_doc(doc: dict[str, Any]) -> WebhookEndpoint:
    return WebhookEndpoint.model_validate({"id": doc["_id"], **doc})


class MongoWebhookEndpointRepository:
    collection_name = "webhook_endpoints"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("organisation_id")

    async def add(self, endpoint: WebhookEndpoint) -> None:
        doc = endpoint.model_dump(exclude={"id"})
        await self._col.insert_one({"_id": endpoint.id, **doc})

    async def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        doc = await self._col.find_one({"_id": endpoint_id})
        return _from_doc(doc) if doc else None

    async def of_organisation(self, organisation_id: str, *, active_only: bool = False):
        query: dict[str, Any] = {"organisation_id": organisation_id}
        if active_only:
            query["active"] = True
        cursor = self._col.find(query).sort("created_at", 1)
        return [_from_doc(d) async for d in cursor]

    async def deactivate(self, organisation_id: str, endpoint_id: str) -> bool:
        result = await self._col.update_one(
            {"_id": endpoint_id, "organisation_id": organisation_id, "active": True},
            {"$set": {"active": False}},
        )
        return result.modified_count == 1
