"""Failed sign-in counters per key (``email:<digest>`` or ``ip:<address>``).

Each failure is its own inserted document (``signin_failure_log``), counted since the
key's window started: an insert is exact under concurrent failures, where an ``$inc`` on
FerretDB loses some (measured: 271-283 of 400). The key's document holds only the window
start and the lock, written by ``_id``.
"""

from __future__ import annotations

import datetime as dt

from pymongo.asynchronous.database import AsyncDatabase

from services.identity.domain.throttle import FailureCounter, ThrottlePolicy


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class MongoSignInThrottle:
    collection_name = "signin_failures"
    log_name = "signin_failure_log"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self._log = db[self.log_name]

    async def ensure_indexes(self) -> None:
        await self._log.create_index([("key", 1), ("at", 1)])

    async def get(self, key: str) -> FailureCounter | None:
        doc = await self._col.find_one({"_id": key})
        if doc is None:
            return None
        start = _aware(doc["window_start"])
        assert start is not None
        failures = await self._log.count_documents({"key": key, "at": {"$gte": start}})
        return FailureCounter(
            failures=failures, window_start=start, locked_until=_aware(doc.get("locked_until"))
        )

    async def record_failure(
        self, key: str, policy: ThrottlePolicy, now: dt.datetime
    ) -> FailureCounter:
        """Count one failure; lock the key when the policy says so."""
        current = await self.get(key)
        if current is None or now - current.window_start >= policy.window:
            # a new window: a concurrent starter may write a start a moment apart, and
            # failures are counted by time, so at most the very first one is missed
            current = FailureCounter(failures=0, window_start=now)
            await self._col.replace_one(
                {"_id": key}, {"window_start": now, "locked_until": None}, upsert=True
            )
        await self._log.insert_one({"key": key, "at": now})
        failures = await self._log.count_documents(
            {"key": key, "at": {"$gte": current.window_start}}
        )
        locked_until = current.locked_until
        if failures >= policy.max_failures:
            locked_until = now + policy.lockout
            await self._col.update_one({"_id": key}, {"$set": {"locked_until": locked_until}})
        return FailureCounter(
            failures=failures, window_start=current.window_start, locked_until=locked_until
        )

    async def clear(self, key: str) -> None:
        await self._col.delete_one({"_id": key})
        await self._log.delete_many({"key": key})
