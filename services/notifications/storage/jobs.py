"""Delivery jobs: the work queue of the e-mail and webhook worker.

A job is claimed with one atomic find-and-modify (pending and due, or a lease that ran
out because a worker died), so several workers or processes never send the same job
at once. Ids come from what is delivered, so inserting twice is harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus


def _from_doc(doc: dict[str, Any]) -> DeliveryJob:
    return DeliveryJob.model_validate({"id": doc["_id"], **doc})


class MongoDeliveryJobRepository:
    collection_name = "delivery_jobs"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
        await self._col.create_index([("organisation_id", ASCENDING), ("kind", ASCENDING)])
        await self._col.create_index([("user_id", ASCENDING), ("digest_at", ASCENDING)])

    async def add(self, job: DeliveryJob) -> bool:
        try:
            await self._col.insert_one({"_id": job.id, **job.model_dump(exclude={"id"})})
        except DuplicateKeyError:
            return False
        return True

    async def ensure_digest(self, job: DeliveryJob) -> None:
        """Create the user's digest job for that day unless it exists."""
        await self._col.update_one(
            {"_id": job.id}, {"$setOnInsert": job.model_dump(exclude={"id"})}, upsert=True
        )

    async def get(self, job_id: str) -> DeliveryJob | None:
        doc = await self._col.find_one({"_id": job_id})
        return _from_doc(doc) if doc else None

    async def claim(self, now: dt.datetime, lease_until: dt.datetime) -> DeliveryJob | None:
        doc = await self._col.find_one_and_update(
            {
                "$or": [
                    {"status": JobStatus.pending.value, "next_attempt_at": {"$lte": now}},
                    {"status": JobStatus.sending.value, "lease_until": {"$lte": now}},
                ]
            },
            {"$set": {"status": JobStatus.sending.value, "lease_until": lease_until}},
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        return _from_doc(doc) if doc else None

    async def finish(self, job_id: str, status: JobStatus, now: dt.datetime, **fields: Any) -> None:
        """Record the outcome of an attempt (sent, failed, cancelled or back to pending)."""
        update = {"status": status.value, "updated_at": now, "lease_until": None, **fields}
        if status is JobStatus.sent:
            update["sent_at"] = now
        await self._col.update_one(
            {"_id": job_id, "status": JobStatus.sending.value}, {"$set": update}
        )

    async def held_for_digest(self, user_id: str, digest_at: dt.datetime) -> list[DeliveryJob]:
        cursor = self._col.find(
            {
                "user_id": user_id,
                "digest_at": digest_at,
                "kind": JobKind.email.value,
                "status": JobStatus.held.value,
            }
        )
        return [_from_doc(d) async for d in cursor]

    async def release_held(self, job_ids: list[str], status: JobStatus, now: dt.datetime) -> None:
        await self._col.update_many(
            {"_id": {"$in": job_ids}, "status": JobStatus.held.value},
            {"$set": {"status": status.value, "updated_at": now, "sent_at": now}},
        )

    async def of_organisation(
        self, organisation_id: str, *, kind: JobKind, status: JobStatus | None, limit: int
    ) -> list[DeliveryJob]:
        query: dict[str, Any] = {"organisation_id": organisation_id, "kind": kind.value}
        if status is not None:
            query["status"] = status.value
        cursor = self._col.find(query).sort("created_at", DESCENDING).limit(limit)
        return [_from_doc(d) async for d in cursor]

    async def retry(self, organisation_id: str, job_id: str, now: dt.datetime) -> bool:
        """A failed job of this organisation goes back to the queue with fresh attempts."""
        result = await self._col.update_one(
            {"_id": job_id, "organisation_id": organisation_id, "status": JobStatus.failed.value},
            {
                "$set": {
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "updated_at": now,
                }
            },
        )
        return result.modified_count == 1

    async def next_due(self) -> dt.datetime | None:
        doc = await self._col.find_one(
            {"status": JobStatus.pending.value}, sort=[("next_attempt_at", ASCENDING)]
        )
        return doc["next_attempt_at"] if doc else None

    async def purge_finished_before(self, cutoff: dt.datetime) -> int:
        result = await self._col.delete_many(
            {"status": {"$in": ["sent", "cancelled"]}, "updated_at": {"$lt": cutoff}}
        )
        return result.deleted_count
