"""FerretDB 1.x does not make find-and-modify atomic; the claim protocol must still hand
each due job to exactly one of many concurrent workers, and retake an abandoned one."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus
from tests.integration.notifications.conftest import Harness

pytestmark = pytest.mark.integration


def job(now: dt.datetime) -> DeliveryJob:
    return DeliveryJob(
        id=uuid.uuid4().hex, kind=JobKind.webhook, organisation_id="org-claims",
        next_attempt_at=now + dt.timedelta(days=400), created_at=now, updated_at=now,
    )  # fmt: skip


async def test_concurrent_claimers_take_each_job_once(harness: Harness) -> None:
    jobs = harness.deps.repos.jobs
    # Due only at a moment of our choosing (far future), so the harness workers ignore them.
    at = dt.datetime.now(dt.UTC) + dt.timedelta(days=401)
    for _ in range(15):
        await jobs.add(job(dt.datetime.now(dt.UTC)))
    claims = await asyncio.gather(
        *[jobs.claim(at, at + dt.timedelta(seconds=60)) for _ in range(30)]
    )
    taken = [c.job.id for c in claims if c is not None]
    assert len(taken) == len(set(taken)) == 15
    for claimed in claims:
        if claimed is not None:
            await jobs.finish(claimed, JobStatus.cancelled, at)


async def test_an_abandoned_claim_is_retaken_after_its_lease(harness: Harness) -> None:
    jobs = harness.deps.repos.jobs
    at = dt.datetime.now(dt.UTC) + dt.timedelta(days=402)
    await jobs.add(job(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)))
    first = await jobs.claim(at, at + dt.timedelta(seconds=60))
    assert first is not None  # and its worker "dies" without finishing
    assert await jobs.claim(at + dt.timedelta(seconds=30), at + dt.timedelta(seconds=90)) is None
    later = at + dt.timedelta(seconds=61)
    second = await jobs.claim(later, later + dt.timedelta(seconds=60))
    assert second is not None and second.job.id == first.job.id
    assert await jobs.finish(second, JobStatus.cancelled, later)
    assert not await jobs.finish(first, JobStatus.sent, later)  # the late holder lost it
    final = await jobs.get(first.job.id)
    assert final is not None and final.status is JobStatus.cancelled
