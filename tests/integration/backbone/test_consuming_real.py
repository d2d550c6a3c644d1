"""The subscriber helper on the real broker: duplicates, reordering, poison, lag."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.consuming import EventConsumer, Inbox
from shared.events import Envelope, new_event, topic_for
from shared.events.contracts.roadshows import PitchPublished, PitchUpdated
from shared.search import index_name, index_versioned
from shared.settings import Settings
from tests.integration.backbone.support import (
    committed_lag,
    eventually,
    read_all,
    running_consumer,
)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_topics")]


def _pitch(version: int, title: str = "碳纤维 A轮", cls: Any = PitchPublished) -> Envelope:
    payload = cls(id="p1", owner_org_id="o1", title=title, stage="a", ask_cny=80_000_000)
    return new_event(payload, subject="p1", version=version, source="roadshows")


async def _send(settings: Settings, *values: tuple[bytes, dict[str, str]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        topic = topic_for("roadshows.pitch.published", settings)
        for value, headers in values:
            await producer.send_and_wait(
                topic, value, key=b"p1", headers=[(k, v.encode()) for k, v in headers.items()]
            )
    finally:
        await producer.stop()


async def test_the_same_event_delivered_twice_has_one_effect(
    unique_settings: Settings, fresh_db: AsyncDatabase[Any]
) -> None:
    effects = fresh_db["effects"]
    seen: list[str] = []

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(PitchPublished)
        async def count(payload: PitchPublished, event: Envelope) -> None:
            seen.append(event.id)
            await effects.update_one({"_id": payload.id}, {"$inc": {"n": 1}}, upsert=True)

    env = _pitch(1)
    marker = _pitch(2, title="marker")
    async with running_consumer(unique_settings, setup, inbox=Inbox(fresh_db)):
        await _send(
            unique_settings,
            (env.to_json_bytes(), env.kafka_headers()),
            (env.to_json_bytes(), env.kafka_headers()),
            (marker.to_json_bytes(), marker.kafka_headers()),
        )
        await eventually(lambda: _true(marker.id in seen), what="the marker event")
    assert seen == [env.id, marker.id]  # the duplicate never reached the handler
    assert (await effects.find_one({"_id": "p1"}))["n"] == 2  # once for env, once for marker


async def _true(value: bool) -> bool:
    return value


async def test_out_of_order_events_leave_the_newest_version_in_the_projection(
    unique_settings: Settings, search_client: Any
) -> None:
    index = index_name("pitches", unique_settings)
    await search_client.indices.create(index=index)
    handled: list[int] = []

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(PitchPublished, PitchUpdated)
        async def project(payload: PitchPublished, event: Envelope) -> None:
            await index_versioned(
                search_client, index, payload.id, event.version, payload.to_record()
            )
            handled.append(event.version)

    v1, v2, v3 = _pitch(1, "v1"), _pitch(2, "v2", PitchUpdated), _pitch(3, "v3", PitchUpdated)
    async with running_consumer(unique_settings, setup):
        # Delivered newest first: a replay or a second relay could do this.
        await _send(
            unique_settings, *((e.to_json_bytes(), e.kafka_headers()) for e in (v3, v1, v2))
        )
        await eventually(lambda: _true(len(handled) == 3), what="three deliveries")
    doc = await search_client.get(index=index, id="p1")
    assert doc["_version"] == 3
    assert doc["_source"]["title"] == "v3"


async def test_poison_and_malformed_messages_are_dead_lettered_and_the_consumer_moves_on(
    unique_settings: Settings,
) -> None:
    processed: list[str] = []

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(PitchPublished)
        async def handle(payload: PitchPublished, event: Envelope) -> None:
            if payload.title == "poison":
                raise ValueError("this pitch always fails")
            processed.append(payload.title)

    poison, good = _pitch(1, "poison"), _pitch(2, "after")
    topic = topic_for("roadshows.pitch.published", unique_settings)
    async with running_consumer(unique_settings, setup, max_attempts=3, backoff=0.01) as consumer:
        await _send(
            unique_settings,
            (poison.to_json_bytes(), poison.kafka_headers()),
            (b"{this is not json", {"ce_id": "broken-1"}),
            (good.to_json_bytes(), good.kafka_headers()),
        )
        await eventually(lambda: _true(processed == ["after"]), what="the message after")
        group = consumer.group_for(topic)
        await eventually(
            lambda: _lag_is_zero(unique_settings, group, topic), what="consumer lag back to 0"
        )

    dead = await read_all(unique_settings, f"{topic}.dlq", expected=2)
    by_reason = {dict(r.headers)["dlq-reason"].decode(): r for r in dead}
    assert set(by_reason) == {"handler_failed", "malformed"}
    failed = {k: v.decode() for k, v in by_reason["handler_failed"].headers}
    assert failed["dlq-error-type"] == "ValueError"
    assert failed["dlq-error-message"] == "this pitch always fails"
    assert failed["dlq-attempts"] == "3"
    assert failed["ce_id"] == poison.id  # original headers travel with it
    assert json.loads(by_reason["handler_failed"].value)["id"] == poison.id
    malformed = {k: v.decode() for k, v in by_reason["malformed"].headers}
    assert malformed["dlq-error-type"] == "ValidationError"
    assert malformed["ce_id"] == "broken-1"
    assert by_reason["malformed"].value == b"{this is not json"


async def _lag_is_zero(settings: Settings, group: str, topic: str) -> bool:
    return await committed_lag(settings, group, topic) == 0


async def test_batched_commits_never_pass_a_message_still_being_handled(
    unique_settings: Settings,
) -> None:
    release = asyncio.Event()
    handled: list[str] = []
    setup = _recording_titles(handled, hold_slow_until=release)

    events = [_pitch(1, "first"), _pitch(2, "slow"), _pitch(3, "third")]
    topic = topic_for("roadshows.pitch.published", unique_settings)
    async with running_consumer(unique_settings, setup, commit_interval=0.02) as consumer:
        group = consumer.group_for(topic)
        await _send(unique_settings, *((e.to_json_bytes(), e.kafka_headers()) for e in events))
        await eventually(lambda: _true(handled == ["first"]), what="the first event")
        # The first offset gets committed; "slow" and "third" stay uncommitted while
        # "slow" is in its handler, however many commit intervals pass.
        await eventually(
            lambda: _lag_is(unique_settings, group, topic, 2), what="first offset committed"
        )
        await asyncio.sleep(0.2)  # ten commit intervals: the lag must not move
        assert await committed_lag(unique_settings, group, topic) == 2
        release.set()
        await eventually(lambda: _lag_is(unique_settings, group, topic, 0), what="lag 0")
    assert handled == ["first", "slow", "third"]


def _recording_titles(
    handled: list[str], *, hold_slow_until: asyncio.Event
) -> Callable[[EventConsumer], None]:
    """A handler that records pitch titles; the one titled "slow" waits for the event."""

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(PitchPublished)
        async def handle(payload: PitchPublished, event: Envelope) -> None:
            if payload.title == "slow":
                await hold_slow_until.wait()
            handled.append(payload.title)

    return setup


async def _lag_is(settings: Settings, group: str, topic: str, lag: int) -> bool:
    return await committed_lag(settings, group, topic) == lag


async def test_concurrent_handlers_keep_order_per_key_and_commit_below_the_slowest(
    unique_settings: Settings,
) -> None:
    release = asyncio.Event()
    handled: list[str] = []
    setup = _recording_titles(handled, hold_slow_until=release)

    def pitch(pid: str, title: str) -> Envelope:
        payload = PitchPublished(id=pid, owner_org_id="o1", title=title, stage="a", ask_cny=1)
        return new_event(payload, subject=pid, version=1, source="roadshows")

    # one partition, so the commit point is shared: p1 slow, p2 fast, then p1 again
    events = [pitch("p1", "slow"), pitch("p2", "fast"), pitch("p1", "after")]
    topic = topic_for("roadshows.pitch.published", unique_settings)
    async with running_consumer(
        unique_settings, setup, commit_interval=0.02, concurrency=4
    ) as consumer:
        group = consumer.group_for(topic)
        producer = AIOKafkaProducer(
            bootstrap_servers=unique_settings.kafka_bootstrap, acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            for e in events:
                headers = [(k, v.encode()) for k, v in e.kafka_headers().items()]
                key = str(e.subject).encode()
                await producer.send_and_wait(
                    topic, e.to_json_bytes(), key=key, partition=0, headers=headers
                )
        finally:
            await producer.stop()
        # p2 does not wait for p1's slow handler; p1's next event does
        await eventually(lambda: _true(handled == ["fast"]), what="the other key's event")
        await asyncio.sleep(0.2)  # ten commit intervals: nothing past "slow" is committed
        assert handled == ["fast"]
        assert await committed_lag(unique_settings, group, topic) == 3
        release.set()
        await eventually(lambda: _lag_is(unique_settings, group, topic, 0), what="lag 0")
    assert handled == ["fast", "slow", "after"]
