"""Failed sign-in counters per key (``email:<digest>`` or ``ip:<address>``)."""

from __future__ import annotations

import datetime as dt

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.identity.domain.throttle import FailureCounter, ThrottlePolicy, after_failure


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class MongoSignInThrottle:
    collection_name = "signin_failures"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def get(self, key: str) -> FailureCounter | None:
        doc = await self._col.find_one({"_id": key})
        if doc is None:
            return None
        return FailureCounter(
            failures=doc["failures"],
            window_start=_aware(doc["window_start"]),  # type: ignore[arg-type]
            locked_until=_aware(doc.get("locked_until")),
        )

    async def record_failure(
        self, key: str, policy: ThrottlePolicy, now: dt.datetime
    ) -> FailureCounter:
        """Count one failure atomically; lock the key when the policy says so."""
        doc = await self._col.find_one_and_update(
            {"_id": key, "window_start": {"$gt": now - policy.window}},
            {"$inc": {"failures": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:  # no counter yet, or its window has passed: start a new one
            fresh = after_failure(None, policy, now)
            await self._col.replace_one(
                {"_id": key},
                {"failures": fresh.failures, "window_start": now, "locked_until": None},
                upsert=True,
            )
            doc = {"failures": fresh.failures, "window_start": now, "locked_until": None}
        if doc["failures"] >= policy.max_failures:
            locked_until = now + policy.lockout
            await self._col.update_one({"_id": key}, {"$set": {"locked_until": locked_until}})
            doc["locked_until"] = locked_until
        return FailureCounter(
            failures=doc["failures"],
            window_start=_aware(doc["window_start"]),  # type: ignore[arg-type]
            locked_until=_aware(doc.get("locked_until")),
        )

    async def clear(self, key: str) -> None:
        await self._col.delete_one({"_id": key})
