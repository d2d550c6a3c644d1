"""The hot path batched, on the real database: concurrent notices share one
``insert_many`` (a redelivered one duplicates nothing, per message), and an
organisation's members are read once, then re-read after identity says a user changed."""

from __future__ import annotations

import asyncio

import pytest

from services.notifications.domain.records import Recipient
from services.notifications.usecases import inbox
from services.notifications.usecases.notify import _inserts, notify, recipient_cache
from services.notifications.usecases.recipients import learn_user
from tests.integration.notifications.conftest import Harness, match_event, new_org

pytestmark = pytest.mark.integration


async def test_concurrent_notices_share_inserts_and_redeliveries_add_nothing(
    harness: Harness,
) -> None:
    h = harness
    org = new_org()
    users = [await h.learn(org, "李雷"), await h.learn(org, "韩梅梅")]
    events = [match_event(org) for _ in range(8)]
    assert await asyncio.gather(*(notify(h.deps, e) for e in events)) == [2] * 8
    inserts = _inserts[h.deps.repos.messages]
    assert inserts.batches < inserts.items == 16  # shared insert_many round trips
    await asyncio.gather(*(notify(h.deps, e) for e in events[:4]))  # redelivered
    for user in users:
        page = await inbox.page(h.deps, user, unread_only=False, limit=50, cursor=None)
        assert sorted(m.event_id for m in page.items) == sorted(e.id for e in events)


async def test_members_are_cached_until_identity_says_a_user_changed(harness: Harness) -> None:
    h = harness
    org = new_org()
    first = await h.learn(org, "先到")
    await notify(h.deps, match_event(org))
    cache = recipient_cache(h.deps)
    assert [m.user_id for m in await cache.members(h.deps.repos.recipients, org)] == [first]
    late = Recipient(user_id=f"u-late-{org}", organisation_id=org, name="后到", version=1)
    assert await learn_user(h.deps, late)  # identity.user.registered: the cache is dropped
    event = match_event(org)
    assert await notify(h.deps, event) == 2
    gone = late.model_copy(update={"disabled": True, "version": 2})
    assert await learn_user(h.deps, gone)  # identity.user.updated: disabled
    assert await notify(h.deps, match_event(org)) == 1
    page = await inbox.page(h.deps, late.user_id, unread_only=False, limit=10, cursor=None)
    assert event.id in [m.event_id for m in page.items]
