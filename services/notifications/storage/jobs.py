"""Delivery jobs: the work queue of the e-mail and webhook worker, on the aggregate store.

A job is an aggregate (``shared/store.py``). A worker claims a due job by saving it as
``sending`` with a lease from the version it read: exactly one concurrent claimer's
change insert wins (FerretDB 1.x makes neither findAndModify nor a filtered update
atomic; the unique insert is exact). The claim is that version: the holder records the
outcome by saving from it, so a worker whose lease ran out and whose job was retaken
loses its write (a :class:`~shared.store.Conflict`). Ids come from what is delivered, so
adding a job twice is harmless.

The workers' poll for due jobs and the digest's held jobs read keyed lists by ``_id``
(``shared/keyed_lists.py``): the due queue holds pending and sending jobs only, so a
poll no longer reads every job ever queued (a filter on ``status`` scans the whole
collection on the local engine).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, NamedTuple

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus
from shared.keyed_lists import ListSpec
from shared.store import Conflict, MongoAggregateStore, Versioned

CANDIDATES = 20
LISTS = (
    ListSpec("due", ("status",), ("next_attempt_at", "lease_until"),
             (("status", ("pending", "sending")),), buckets=4),
    ListSpec("held", ("user_id", "status"), ("digest_at", "kind"), (("status", ("held",)),)),
)  # fmt: skip


def _claimable(job: DeliveryJob, now: dt.datetime) -> bool:
    if job.status is JobStatus.pending:
        return job.next_attempt_at <= now
    return job.status is JobStatus.sending and (job.lease_until or now) <= now


class Claimed(NamedTuple):
    """A job this worker holds, and the version its claim wrote."""

    job: DeliveryJob
    version: int


class MongoDeliveryJobRepository:
    collection_name = "delivery_jobs"

    def __init__(self, db: AsyncDatabase) -> None:
        self._store = MongoAggregateStore(
            db, "delivery_job", DeliveryJob, collection=self.collection_name, lists=LISTS
        )
        self._col = self._store.col

    async def ensure_indexes(self) -> None:
        await self._store.ensure_indexes()  # the keyed lists of a database from before them
        await self._col.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
        await self._col.create_index([("organisation_id", ASCENDING), ("kind", ASCENDING)])
        await self._col.create_index([("user_id", ASCENDING), ("digest_at", ASCENDING)])

    async def add(self, job: DeliveryJob) -> bool:
        try:
            await self._store.create(job.id, job)
        except Conflict:
            return False
        return True

    async def ensure_digest(self, job: DeliveryJob) -> None:
        """Create the user's digest job for that day unless it exists."""
        await self.add(job)

    async def get(self, job_id: str) -> DeliveryJob | None:
        found = await self._store.get(job_id)
        return found.state if found else None

    async def claim(self, now: dt.datetime, lease_until: dt.datetime) -> Claimed | None:
        """Take one due job exclusively until ``lease_until``; None when nothing is due."""
        # two reads of the due queue at once (each pins a status, so each is a keyed list)
        due, stale = await asyncio.gather(
            self._store.find(
                {"status": JobStatus.pending.value, "next_attempt_at": {"$lte": now}},
                sort=[("next_attempt_at", ASCENDING)],
                limit=CANDIDATES,
            ),
            self._store.find(
                {"status": JobStatus.sending.value, "lease_until": {"$lte": now}},
                sort=[("next_attempt_at", ASCENDING)],
                limit=CANDIDATES,
            ),
        )
        candidates = sorted([*due, *stale], key=lambda f: f.state.next_attempt_at)[:CANDIDATES]
        for found in candidates:
            if not _claimable(found.state, now):
                continue
            taken = found.state.model_copy(
                update={"status": JobStatus.sending, "lease_until": lease_until}
            )
            try:
                saved = await self._store.save(taken.id, taken, found.version)
            except Conflict:
                continue  # another worker claimed it, or it changed since the list was read
            return Claimed(saved.state, saved.version)
        return None

    async def finish(
        self, claimed: Claimed, status: JobStatus, now: dt.datetime, **fields: Any
    ) -> bool:
        """Record the outcome of an attempt (sent, failed, cancelled or back to pending).

        False (and nothing written) when the claim was lost: the lease ran out and another
        worker retook the job, so its outcome is the one that counts.
        """
        update = {"status": status, "updated_at": now, "lease_until": None, **fields}
        if status is JobStatus.sent:
            update["sent_at"] = now
        done = claimed.job.model_copy(update=update)
        try:
            await self._store.save(done.id, done, claimed.version)
        except Conflict:
            return False
        return True

    async def _change(self, job_id: str, change: Any) -> bool:
        """Apply ``change(job) -> job | None`` from the current version (None: leave it)."""
        for _ in range(8):
            found: Versioned[DeliveryJob] | None = await self._store.get(job_id)
            if found is None:
                return False
            changed = change(found.state)
            if changed is None:
                return False
            try:
                await self._store.save(job_id, changed, found.version)
            except Conflict:
                continue
            return True
        return False

    async def held_for_digest(self, user_id: str, digest_at: dt.datetime) -> list[DeliveryJob]:
        found = await self._store.find(
            {
                "user_id": user_id,
                "digest_at": digest_at,
                "kind": JobKind.email.value,
                "status": JobStatus.held.value,
            }
        )
        return [f.state for f in found]

    async def release_held(self, job_ids: list[str], status: JobStatus, now: dt.datetime) -> None:
        def release(job: DeliveryJob) -> DeliveryJob | None:
            if job.status is not JobStatus.held:
                return None
            return job.model_copy(update={"status": status, "updated_at": now, "sent_at": now})

        for job_id in job_ids:
            await self._change(job_id, release)

    async def of_organisation(
        self,
        organisation_id: str,
        *,
        kind: JobKind,
        status: JobStatus | None,
        limit: int,
        offset: int = 0,
    ) -> tuple[list[DeliveryJob], int]:
        """A page of the organisation's jobs, newest first, and how many there are in all."""
        query: dict[str, Any] = {"organisation_id": organisation_id, "kind": kind.value}
        if status is not None:
            query["status"] = status.value
        found, total = await self._store.page(
            query, sort=[("created_at", DESCENDING)], limit=limit, skip=offset
        )
        return [f.state for f in found], total

    async def retry(self, organisation_id: str, job_id: str, now: dt.datetime) -> bool:
        """A failed job of this organisation goes back to the queue with fresh attempts."""

        def requeue(job: DeliveryJob) -> DeliveryJob | None:
            if job.organisation_id != organisation_id or job.status is not JobStatus.failed:
                return None
            return job.model_copy(
                update={
                    "status": JobStatus.pending,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "updated_at": now,
                }
            )

        return await self._change(job_id, requeue)

    async def next_due(self) -> dt.datetime | None:
        found = await self._store.find(
            {"status": JobStatus.pending.value}, sort=[("next_attempt_at", ASCENDING)], limit=1
        )
        return found[0].state.next_attempt_at if found else None

    async def purge_finished_before(self, cutoff: dt.datetime) -> int:
        found = await self._store.find(
            {"status": {"$in": ["sent", "cancelled"]}, "updated_at": {"$lt": cutoff}}
        )
        for f in found:
            await self._store.delete(f.state.id, f.version)
        return len(found)
