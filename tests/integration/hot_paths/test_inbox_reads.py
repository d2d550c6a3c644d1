"""An inbox page on the real engine reads the user's inbox list once: the page and the
unread count come from the same entries (they were two reads of every bucket)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest
from pymongo import monitoring

from services.notifications.domain.records import Category, Message
from services.notifications.storage.messages import INBOX, MongoMessageRepository
from shared.db import create_mongo_client
from shared.settings import Settings

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Finds(monitoring.CommandListener):
    """``find`` commands per collection (a find_one is a find)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.seen[event.command["find"]] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


def message(n: int) -> Message:
    return Message(
        id=f"m{n}", user_id="u1", organisation_id="o1", event_id=f"e{n}", event_type="t",
        category=next(iter(Category)), title="t", body="b", link="/", subject_kind="k",
        subject_id="s", language="zh", created_at=T0 + dt.timedelta(minutes=n),
    )  # fmt: skip


async def test_an_inbox_page_reads_the_list_once(
    unique_settings: Settings, mongo_available: None
) -> None:
    finds = Finds()
    client = create_mongo_client(unique_settings, event_listeners=[finds])
    name = f"{unique_settings.db_prefix}_{uuid.uuid4().hex[:6]}"
    try:
        messages = MongoMessageRepository(client[name])
        assert await messages.add_many([message(n) for n in range(4)]) == [True] * 4
        assert await messages.mark_read("u1", "m0", T0) is not None
        finds.seen.clear()
        items, unread = await messages.page("u1", unread_only=False, limit=2)
        assert [m.id for m in items] == ["m3", "m2"] and unread == 3
        # each bucket once, a probe for a newer delta of each, and the two messages shown
        assert finds.seen == Counter(
            {"keyed_lists": INBOX.buckets, "keyed_list_revs": INBOX.buckets, "messages": 2}
        )
        assert await messages.unread_count("u1") == unread
    finally:
        await client.drop_database(name)
        await client.close()


async def test_retention_removes_old_messages_from_the_inbox_and_its_count(
    fresh_db: object,
) -> None:
    messages = MongoMessageRepository(fresh_db)  # type: ignore[arg-type]
    await messages.ensure_indexes()
    assert await messages.add_many([message(n) for n in range(4)]) == [True] * 4
    assert await messages.purge_older_than(T0 + dt.timedelta(minutes=2)) == 2
    items, unread = await messages.page("u1", unread_only=False, limit=10)
    assert [m.id for m in items] == ["m3", "m2"] and unread == 2
    assert await messages.unread_count("u1") == 2
