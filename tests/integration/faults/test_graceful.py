"""A graceful stop (what SIGTERM does to a service) hands a consumer's work over with
nothing lost and nothing handled twice: no new message is taken, the one in flight
finishes, the done offsets are committed, and the next consumer of the group starts
exactly after them. No inbox here, so a lost commit would show up as a duplicate.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from shared.broker import create_producer
from shared.consuming import EventConsumer
from shared.events import Envelope, new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.events.registry import topic_for
from shared.settings import Settings
from tests.integration.backbone.support import eventually, running_consumer

pytestmark = pytest.mark.integration
N = 60


async def test_a_rolling_restart_of_consumers_loses_and_doubles_nothing(
    unique_settings: Settings, kafka_available: None, clean_topics: None
) -> None:
    settings = unique_settings
    handled: Counter[str] = Counter()

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished)
        async def slow(payload: TalentDemandPublished, event: Envelope) -> None:
            await asyncio.sleep(0.05)  # work that takes a while, so a stop finds it in flight
            handled[payload.id] += 1

    producer = create_producer(settings)

    async def publish_steadily() -> None:
        for i in range(N):
            d = TalentDemandPublished(id=f"d{i}", owner_org_id="o", title="岗位", seniority="mid")
            ev = new_event(d, subject=d.id, version=1, source="talent")
            sent = await producer.send(topic_for(ev.type, settings), ev.to_json_bytes(),
                                       key=b"one-key", headers=ev.kafka_headers())  # fmt: skip
            await sent
            await asyncio.sleep(0.02)  # a steady stream, not synchronisation

    async def some_handled(n: int) -> bool:
        return sum(handled.values()) >= n

    writer = asyncio.create_task(publish_steadily())
    try:
        for turn in range(3):  # three generations of the same consumer group
            async with running_consumer(settings, setup, service="roll"):
                await eventually(lambda t=turn: some_handled(10 * (t + 1)), timeout=60,
                                 what=f"generation {turn} handling")  # fmt: skip
            # leaving the block stops the broker: the graceful path SIGTERM takes
        await writer
        async with running_consumer(settings, setup, service="roll"):
            await eventually(lambda: some_handled(N), timeout=60, what="every event")
    finally:
        writer.cancel()
        await producer.stop()
    assert sorted(handled) == sorted(f"d{i}" for i in range(N))
    assert [k for k, n in handled.items() if n > 1] == []
