"""The change relay on real Kafka and FerretDB: a crash between the change and the state
write loses nothing and publishes once; two relays racing publish each event once, in
version order per aggregate."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from shared.broker import create_producer, ensure_topics
from shared.events.registry import topic_for
from shared.relay import ChangeRelay
from shared.store import MongoAggregateStore
from tests.integration.backbone.support import eventually
from tests.integration.store.support import EVENT_TYPE, Counter, event, read_topic

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("mode", ["plain", "leader"])
async def test_kill_between_change_and_state_write(
    fresh_db, unique_settings, kafka_available, mode: str
) -> None:
    await ensure_topics([topic_for(EVENT_TYPE, unique_settings)], unique_settings)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.integration.store.crash_child",
            mode,
            fresh_db.name,
            unique_settings.topic_prefix,
        ],
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert child.returncode == -9, child.stderr
    assert await fresh_db["counter"].find_one({"_id": "k1"}) is None  # state never written

    store = MongoAggregateStore(fresh_db, "counter", Counter)
    found = await store.get("k1")
    assert found is not None and found.version == 1 and found.state.value == 5

    relay = ChangeRelay(
        fresh_db,
        create_producer(unique_settings),
        service="crash",
        settings=unique_settings,
        lease_seconds=1.0,
    )
    await relay.start()
    try:
        await eventually(lambda: _published(relay, 1), 20, "the stranded change published")
    finally:
        await relay.stop()
    seen = await read_topic(unique_settings, 1)
    assert [json.loads(m.value)["data"]["value"] for m in seen] == [5]


async def _published(relay: ChangeRelay, n: int) -> bool:
    return relay.published >= n


async def test_two_relays_publish_each_change_once_in_order(
    fresh_db, unique_settings, kafka_available
) -> None:
    from shared.db import create_mongo_client

    await ensure_topics([topic_for(EVENT_TYPE, unique_settings)], unique_settings)
    relays = []
    for _ in range(2):  # two clients: two "processes" competing for the lease
        client = create_mongo_client(unique_settings)
        relays.append(
            ChangeRelay(
                client[fresh_db.name],
                create_producer(unique_settings),
                service="race",
                settings=unique_settings,
                lease_seconds=1.0,
                poll=0.05,
            )
        )
    await asyncio.gather(*(r.start() for r in relays))
    try:
        store = MongoAggregateStore(fresh_db, "counter", Counter)  # a third client: nudges
        aggs = [f"a{n}" for n in range(5)]
        for v in range(10):
            await asyncio.gather(
                *(store.save(a, Counter(id=a, value=v), v, [event(a, v)]) for a in aggs)
            )
        await eventually(lambda: _total(relays, 50), 30, "50 changes published")
        assert sum(r.leader for r in relays) <= 1
    finally:
        for r in relays:
            await r.stop()
            await r.db.client.close()
    seen = await read_topic(unique_settings, 50)
    ids = [json.loads(m.value)["id"] for m in seen]
    assert len(ids) == len(set(ids)) == 50
    for a in aggs:
        values = [json.loads(m.value)["data"]["value"] for m in seen if m.key == a.encode()]
        assert values == list(range(10))
        versions = [json.loads(m.value)["version"] for m in seen if m.key == a.encode()]
        assert versions == list(range(1, 11))


async def _total(relays: list[ChangeRelay], n: int) -> bool:
    return sum(r.published for r in relays) >= n


async def test_republish_sends_the_stored_events_again_in_order(
    fresh_db, unique_settings, kafka_available, monkeypatch
) -> None:
    import datetime as dt

    from shared import republish as replay
    from shared.settings import get_settings

    await ensure_topics([topic_for(EVENT_TYPE, unique_settings)], unique_settings)
    service = fresh_db.name.removeprefix(f"{unique_settings.db_prefix}_")
    monkeypatch.setenv("DUIJIE_DB_PREFIX", unique_settings.db_prefix)
    monkeypatch.setenv("DUIJIE_TOPIC_PREFIX", unique_settings.topic_prefix)
    get_settings.cache_clear()
    try:
        store = MongoAggregateStore(fresh_db, "counter", Counter)
        start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        for v in range(3):
            await store.save("r", Counter(id="r", value=v), v, [event("r", v)])
        assert await replay.republish(service, start) == 3
    finally:
        get_settings.cache_clear()
    seen = await read_topic(unique_settings, 3)
    assert [json.loads(m.value)["data"]["value"] for m in seen] == [0, 1, 2]
