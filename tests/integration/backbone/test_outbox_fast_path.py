"""The outbox's fast path on the real engines: a write that calls ``outbox_landed`` is
published from memory, never read back, and its marks are honoured by later passes and
by the next process's sweep."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.broker import create_producer, ensure_topics
from shared.consuming import EventConsumer
from shared.events import Envelope, new_event, topic_for
from shared.events.contracts.talent import TalentDemandPublished, TalentDemandUpdated
from shared.outbox import OutboxRelay, outbox_landed, outbox_push, with_outbox
from shared.settings import Settings
from tests.integration.backbone.support import eventually, read_all, running_consumer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_topics")]

FIELDS = dict(owner_org_id="o1", title="架构师", seniority="senior")


def _published(doc_id: str) -> Envelope:
    payload = TalentDemandPublished(id=doc_id, **FIELDS)
    return new_event(payload, subject=doc_id, version=1, source="talent")


def _updated(doc_id: str, version: int) -> Envelope:
    payload = TalentDemandUpdated(id=doc_id, **FIELDS)
    return new_event(payload, subject=doc_id, version=version, source="talent")


async def _relay(db: AsyncDatabase[Any], settings: Settings) -> OutboxRelay:
    await ensure_topics([topic_for("talent.demand.published", settings)], settings)
    # no sweeps after the first: only the fast path or a wake can publish
    return OutboxRelay(db, ["demands"], create_producer(settings), settings=settings, interval=3600)


async def test_landed_writes_are_published_without_reading_the_document(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    got: list[tuple[str, int]] = []

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished, TalentDemandUpdated)
        async def record(payload: Any, event: Envelope) -> None:
            got.append((str(event.subject), event.version))

    reads: list[Any] = []

    async def no_reads(col: Any, ids: set[Any]) -> list[dict[str, Any]]:
        reads.append(ids)
        return []

    monkeypatch.setattr(OutboxRelay, "_by_ids", staticmethod(no_reads))
    col = fresh_db["demands"]
    relay = await _relay(fresh_db, unique_settings)
    async with running_consumer(unique_settings, setup):
        await relay.start()
        try:
            for doc_id in ("d1", "d2"):
                doc = with_outbox({"_id": doc_id, "version": 1}, [_published(doc_id)])
                await col.insert_one(doc)
                outbox_landed(col, doc)
            update = {"$set": {"version": 2}, **outbox_push([_updated("d1", 2)], doc_id="d1")}
            await col.update_one({"_id": "d1", "version": 1}, update)
            outbox_landed(col, update, "d1")
            await eventually(lambda: _true(len(got) >= 3), what="three events")

            async def drained() -> bool:
                return await relay.pending() == 0

            await eventually(drained, what="marks for every published entry")
        finally:
            await relay.stop()
    assert sorted(got) == [("d1", 1), ("d1", 2), ("d2", 1)]
    assert [v for s, v in got if s == "d1"] == [1, 2]  # in order per aggregate
    assert reads == []  # nothing was read back by _id


async def test_marks_from_the_fast_path_hold_for_reads_and_for_the_next_process(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any]
) -> None:
    col = fresh_db["demands"]
    relay = await _relay(fresh_db, unique_settings)
    await relay.start()
    try:
        doc = with_outbox({"_id": "d1", "version": 1}, [_published("d1")])
        await col.insert_one(doc)
        outbox_landed(col, doc)
        await eventually(lambda: _true(relay.published == 1), what="the fast publish")
        # the next write takes the read path (a bare wake): only the new entry goes out
        update = {"$set": {"version": 2}, **outbox_push([_updated("d1", 2)], doc_id="d1")}
        await col.update_one({"_id": "d1"}, update)
        relay.wake()
        await eventually(lambda: _true(relay.published == 2), what="the read publish")
        await relay.flush_marks()
    finally:
        await relay.stop()

    restarted = await _relay(fresh_db, unique_settings)
    assert await restarted.drain() == 0  # the next process's sweep: nothing owed
    assert await fresh_db["outbox_marks"].count_documents({}) == 1  # superseded one deleted
    # the aggregate's topic holds each event once: the fast one was not read and resent
    topic = topic_for("talent.demand.published", unique_settings)
    on_the_wire = await read_all(unique_settings, topic, expected=3, timeout=3)
    assert [r.headers[1][1] for r in on_the_wire] == [
        b"talent.demand.published",
        b"talent.demand.updated",
    ]


async def test_a_write_that_failed_publishes_nothing(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any]
) -> None:
    col = fresh_db["demands"]
    await col.insert_one({"_id": "d1", "version": 3})
    relay = await _relay(fresh_db, unique_settings)
    await relay.start()
    try:
        stale = {"$set": {"version": 2}, **outbox_push([_updated("d1", 2)], doc_id="d1")}
        result = await col.update_one({"_id": "d1", "version": 1}, stale)
        assert result.modified_count == 0  # lost the race: storage does not call landed
        doc = with_outbox({"_id": "d2", "version": 1}, [_published("d2")])
        await col.insert_one(doc)
        outbox_landed(col, doc)
        await eventually(lambda: _true(relay.published == 1), what="the landed write")
    finally:
        await relay.stop()
    assert relay.published == 1
    # the relay is stopped, so every send it made is on the broker: only d2's
    topic = topic_for("talent.demand.updated", unique_settings)
    on_the_wire = await read_all(unique_settings, topic, expected=2, timeout=3)
    assert [r.key for r in on_the_wire] == [b"d2"]


async def _true(value: bool) -> bool:
    return value
