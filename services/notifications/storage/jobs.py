"""Delivery jobs: the work queue of the e-mail and webhook worker.

FerretDB 1.x runs neither findAndModify nor a filtered update atomically under
concurrency (measured: two of four concurrent claimers often both "won"), but it does
enforce unique keys. So a worker claims a job by inserting a claim document whose ``_id``
is the job id: exactly one insert succeeds. The claim carries a lease; a claim whose
lease ran out (its worker died) is removed and retaken. Only the claim holder writes the
job until it finishes and deletes the claim. Ids come from what is delivered, so
inserting a job twice is harmless.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NamedTuple

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus

CANDIDATES = 20


def _from_doc(doc: dict[str, Any]) -> DeliveryJob:
    return DeliveryJob.model_validate({"id": doc["_id"], **doc})


def _claimable(doc: dict[str, Any], now: dt.datetime) -> bool:
    if doc["status"] == JobStatus.pending.value:
        return doc["next_attempt_at"] <= now
    return doc["status"] == JobStatus.sending.value and (doc.get("lease_until") or now) <= now


class Claimed(NamedTuple):
    """A job this worker holds, and the token that proves it."""

    job: DeliveryJob
    token: str


class MongoDeliveryJobRepository:
    collection_name = "delivery_jobs"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]
        self._claims = db[f"{self.collection_name}_claims"]

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

    async def claim(self, now: dt.datetime, lease_until: dt.datetime) -> Claimed | None:
        """Take one due job exclusively until ``lease_until``; None when nothing is due."""
        cursor = self._col.find(
            {
                "$or": [
                    {"status": JobStatus.pending.value, "next_attempt_at": {"$lte": now}},
                    {"status": JobStatus.sending.value, "lease_until": {"$lte": now}},
                ]
            }
        ).sort("next_attempt_at", ASCENDING)
        for doc in await cursor.limit(CANDIDATES).to_list():
            token = uuid.uuid4().hex
            if not await self._take(doc["_id"], token, now, lease_until):
                continue
            # Re-read under our claim: the previous holder may have finished it meanwhile.
            fresh = await self._col.find_one({"_id": doc["_id"]})
            if fresh is None or not _claimable(fresh, now):
                await self._claims.delete_one({"_id": doc["_id"], "token": token})
                continue
            await self._col.update_one(
                {"_id": doc["_id"]},
                {"$set": {"status": JobStatus.sending.value, "lease_until": lease_until}},
            )
            fresh.update(status=JobStatus.sending.value, lease_until=lease_until)
            return Claimed(_from_doc(fresh), token)
        return None

    async def _take(self, job_id: str, token: str, now: dt.datetime, until: dt.datetime) -> bool:
        claim = {"_id": job_id, "token": token, "until": until}
        try:
            await self._claims.insert_one(claim)
            return True
        except DuplicateKeyError:
            held = await self._claims.find_one({"_id": job_id})
            if held is None or held["until"] > now:
                return False
        # The holder's lease ran out (it died): drop its claim and try once more.
        await self._claims.delete_one({"_id": job_id, "token": held["token"]})
        try:
            await self._claims.insert_one(claim)
            return True
        except DuplicateKeyError:
            return False

    async def finish(
        self, claimed: Claimed, status: JobStatus, now: dt.datetime, **fields: Any
    ) -> bool:
        """Record the outcome of an attempt (sent, failed, cancelled or back to pending).

        False (and nothing written) when the claim was lost: the lease ran out and another
        worker retook the job, so its outcome is the one that counts.
        """
        if await self._claims.find_one({"_id": claimed.job.id, "token": claimed.token}) is None:
            return False
        update = {"status": status.value, "updated_at": now, "lease_until": None, **fields}
        if status is JobStatus.sent:
            update["sent_at"] = now
        await self._col.update_one({"_id": claimed.job.id}, {"$set": update})
        await self._claims.delete_one({"_id": claimed.job.id, "token": claimed.token})
        return True

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
