"""Idle delivery workers share one watch on the clock: one of them reads the due queue
per interval (not every worker), and a job it finds recruits the others."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest

from services.notifications.settings import NotificationsSettings
from services.notifications.usecases import delivery
from services.notifications.usecases.delivery import Claimed, run_worker

pytestmark = pytest.mark.unit
WORKERS = 4


class FakeJobs:
    """The due queue: ``claim`` pops what the test put there; calls are counted."""

    def __init__(self) -> None:
        self.due: list[str] = []
        self.claims = 0
        self.next_due_by: list[str] = []

    async def claim(self, now: dt.datetime, lease_until: dt.datetime) -> Claimed | None:
        self.claims += 1
        await asyncio.sleep(0)  # a database round trip: other tasks run meanwhile
        return Claimed(job=self.due.pop(0), version=1) if self.due else None  # type: ignore[arg-type]

    async def next_due(self) -> dt.datetime | None:
        task = asyncio.current_task()
        self.next_due_by.append(task.get_name() if task else "?")
        return None


class FakeDeps:
    def __init__(self, jobs: FakeJobs) -> None:
        self.repos = type("Repos", (), {"jobs": jobs})()
        self.settings = NotificationsSettings(poll_seconds=0.01)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


async def until(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.005)


async def start(deps: FakeDeps, bell: asyncio.Event) -> list[asyncio.Task[None]]:
    watch = asyncio.Lock()
    return [
        asyncio.create_task(run_worker(deps, bell, watch), name=f"worker-{i}")  # type: ignore[arg-type]
        for i in range(WORKERS)
    ]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_one_idle_worker_watches_the_clock_for_all() -> None:
    jobs, bell = FakeJobs(), asyncio.Event()
    tasks = await start(FakeDeps(jobs), bell)
    try:
        await until(lambda: len(jobs.next_due_by) >= 10)
    finally:
        await stop(tasks)
    assert len(set(jobs.next_due_by)) == 1  # every worker watching alone: all four
    # one claim a look, plus each worker's first claim before it found nothing due
    assert jobs.claims <= len(jobs.next_due_by) + WORKERS + 1


async def test_a_job_the_watcher_finds_recruits_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs, bell = FakeJobs(), asyncio.Event()
    busy: set[str] = set()
    most_at_once = 0
    attempted: list[Any] = []
    release = asyncio.Event()

    async def attempt(deps: Any, claimed: Claimed) -> None:
        nonlocal most_at_once
        name = asyncio.current_task().get_name()  # type: ignore[union-attr]
        busy.add(name)
        most_at_once = max(most_at_once, len(busy))
        if most_at_once >= 2:
            release.set()
        await asyncio.wait_for(release.wait(), 10)
        busy.discard(name)
        attempted.append(claimed.job)

    monkeypatch.setattr(delivery, "attempt", attempt)
    tasks = await start(FakeDeps(jobs), bell)
    try:
        await until(lambda: len(jobs.next_due_by) >= 2)  # all idle, one watching
        jobs.due.extend(f"job-{i}" for i in range(5))  # due now, and nobody rang
        await until(lambda: len(attempted) == 5)
    finally:
        await stop(tasks)
    assert sorted(attempted) == [f"job-{i}" for i in range(5)]
    assert most_at_once >= 2  # the watcher did not deliver the backlog alone
