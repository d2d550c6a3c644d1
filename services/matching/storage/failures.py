"""Records the search index refused, one aggregate per (kind, record, version): saving
it carries the ``matching.record.rejected`` event, so the owner is told exactly once
per refused version however often the event is redelivered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import Envelope
from shared.store import Conflict, MongoAggregateStore


class ProjectionFailure(BaseModel):
    id: str
    version: int = 0
    record_id: str
    record_kind: str
    owner_org_id: str
    record_version: int
    reason: str
    at: dt.datetime


class MongoProjectionFailureRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._store = MongoAggregateStore(
            db, "projection_failure", ProjectionFailure, collection="projection_failures"
        )

    async def record(self, failure: ProjectionFailure, event: Envelope) -> bool:
        """Store the failure with its event; False when this version was recorded before."""
        try:
            await self._store.create(failure.id, failure, [event])
        except Conflict:
            return False
        return True

    async def latest(self, limit: int) -> list[ProjectionFailure]:
        found = await self._store.find({}, sort=[("at", DESCENDING)], limit=limit)
        return [f.state for f in found]
