"""Recent notices: each notice kept for a while, so a user learned *after* an event for
their organisation still hears it (identity.user and the notice's topic are separate
topics, so their order is not guaranteed; a colleague may also be added later)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifications.domain.rules import IncomingEvent


class MongoRecentNoticeRepository:
    collection_name = "recent_notices"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("organisation_ids")
        await self._col.create_index("expires_at")

    async def keep(
        self, event: IncomingEvent, organisation_ids: list[str], expires_at: dt.datetime
    ) -> None:
        doc: dict[str, Any] = {
            "_id": event.id,
            "type": event.type,
            "subject": event.subject,
            "time": event.time,
            "data": dict(event.data),
            "organisation_ids": organisation_ids,
            "expires_at": expires_at,
        }
        with contextlib.suppress(DuplicateKeyError):  # a redelivery: already kept
            await self._col.insert_one(doc)

    async def for_organisation(self, organisation_id: str, now: dt.datetime) -> list[IncomingEvent]:
        cursor = self._col.find(
            {"organisation_ids": organisation_id, "expires_at": {"$gt": now}}
        ).sort("time", 1)
        return [
            IncomingEvent(
                id=d["_id"], type=d["type"], subject=d["subject"], time=d["time"], data=d["data"]
            )
            async for d in cursor
        ]

    async def purge_expired(self, now: dt.datetime) -> int:
        result = await self._col.delete_many({"expires_at": {"$lte": now}})
        return result.deleted_count
