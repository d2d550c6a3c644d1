"""Removing a webhook endpoint on the real engine: only its organisation's removal of an
active endpoint counts, it leaves the organisation's active list at once, and two removals
racing both succeed (read, then a keyed write: no guarded update)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from services.notifications.domain.records import WebhookEndpoint
from services.notifications.storage.webhooks import MongoWebhookEndpointRepository

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def endpoint(n: int, org: str = "o1") -> WebhookEndpoint:
    return WebhookEndpoint(
        id=f"w{n}", organisation_id=org, url=f"https://example.org/{n}", secret="s",
        created_at=T0 + dt.timedelta(minutes=n), created_by="u1",
    )  # fmt: skip


async def test_a_removal_counts_once_and_only_for_its_organisation(fresh_db: Any) -> None:
    hooks = MongoWebhookEndpointRepository(fresh_db)
    for n in (1, 2):
        await hooks.add(endpoint(n))
    assert not await hooks.deactivate("o2", "w1")  # not theirs
    assert not await hooks.deactivate("o1", "nope")
    assert await hooks.deactivate("o1", "w1")
    assert not await hooks.deactivate("o1", "w1")  # already inactive
    assert [e.id for e in await hooks.of_organisation("o1", active_only=True)] == ["w2"]
    listed = await hooks.of_organisation("o1")
    assert [(e.id, e.active) for e in listed] == [("w1", False), ("w2", True)]


async def test_racing_removals_leave_it_inactive_and_unlisted(fresh_db: Any) -> None:
    hooks = MongoWebhookEndpointRepository(fresh_db)
    await hooks.add(endpoint(3))
    answers = await asyncio.gather(*(hooks.deactivate("o1", "w3") for _ in range(4)))
    assert any(answers)
    assert await hooks.of_organisation("o1", active_only=True) == []
    got = await hooks.get("w3")
    assert got is not None and not got.active
