"""The batched offset committer: commits only done offsets, only for owned partitions."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import TopicPartition

from shared.consuming import OffsetCommitter

pytestmark = pytest.mark.unit
P0, P1 = TopicPartition("t", 0), TopicPartition("t", 1)


class FakeConsumer:
    def __init__(self, owned: set[TopicPartition], fail: int = 0) -> None:
        self.owned = owned
        self.fail = fail
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return set(self.owned)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.fail:
            self.fail -= 1
            raise RuntimeError("coordinator away")
        self.commits.append(dict(offsets))


async def test_many_done_messages_make_one_commit_of_the_next_offsets() -> None:
    consumer = FakeConsumer({P0, P1})
    committer = OffsetCommitter(interval=0.01, every=1000)
    for off in range(50):
        committer.done(consumer, "t", 0, off)
    committer.done(consumer, "t", 1, 7)
    await committer.stop()
    assert consumer.commits == [{P0: 50, P1: 8}]
    assert committer.pending() == {}


async def test_the_interval_commits_without_a_shutdown() -> None:
    consumer = FakeConsumer({P0})
    committer = OffsetCommitter(interval=0.01)
    committer.done(consumer, "t", 0, 3)
    for _ in range(200):
        if consumer.commits:
            break
        await asyncio.sleep(0.005)
    assert consumer.commits == [{P0: 4}]


async def test_a_failed_commit_is_kept_and_retried() -> None:
    consumer = FakeConsumer({P0}, fail=1)
    committer = OffsetCommitter(interval=10)
    committer.done(consumer, "t", 0, 9)
    await committer.flush()
    assert consumer.commits == [] and committer.pending() == {P0: 10}
    await committer.stop()
    assert consumer.commits == [{P0: 10}]


async def test_revoked_partitions_are_committed_and_lost_ones_dropped() -> None:
    consumer = FakeConsumer({P0, P1})
    committer = OffsetCommitter(interval=10)
    committer.done(consumer, "t", 0, 1)
    committer.done(consumer, "t", 1, 2)
    await committer.on_partitions_revoked({P0})
    assert consumer.commits == [{P0: 2}]
    consumer.owned = {P0}  # P1 went to another member before its commit
    await committer.stop()
    assert consumer.commits == [{P0: 2}]  # P1 is never committed by us: redelivered there
    assert committer.pending() == {}


async def test_the_in_memory_test_broker_is_ignored() -> None:
    committer = OffsetCommitter()
    committer.done(object(), "t", 0, 1)
    assert committer.pending() == {}


async def test_with_concurrent_handlers_the_commit_stays_below_the_lowest_in_flight() -> None:
    consumer = FakeConsumer({P0})
    committer = OffsetCommitter(interval=10)
    for off in (5, 6, 7):
        committer.started("t", 0, off)
    committer.done(consumer, "t", 0, 7)
    committer.done(consumer, "t", 0, 6)
    assert committer.pending() == {P0: 5}  # resume at 5: it is still in its handler
    committer.done(consumer, "t", 0, 5)
    assert committer.pending() == {P0: 8}
    committer.started("t", 0, 8)
    committer.started("t", 0, 9)
    committer.done(consumer, "t", 0, 9)
    assert committer.pending() == {P0: 8}  # not moved past 8, still in flight
    await committer.stop()
    assert consumer.commits == [{P0: 8}]
