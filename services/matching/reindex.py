"""Rebuild one kind's index from its topic, from the earliest offset, and swap the alias.

1. create a new, empty index (refresh off) beside the live one;
2. read every partition of the kind's topic from the beginning up to the end offsets
   taken at the start, keep the newest version of each record, bulk-load them with
   their versions (external versioning: a record's newest state wins);
3. swap the alias in one atomic call (searches never see a missing index), drop the old;
4. catch up: read from where step 2 stopped to the current end and apply each event
   through the alias (versioned writes, so events the live consumer also wrote are
   harmless). No downtime: the live consumer keeps writing to the alias throughout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.matching.sources import topic_for
from services.matching.storage.search import SearchProjection
from services.matching.translate import record_change_from
from services.matching.usecases.projection import project

Progress = Callable[[int], None]
BATCH = 500


@dataclass
class ReindexReport:
    kind: str
    index: str
    events: int
    records: int
    replaced: list[str]
    caught_up: int


def _decode(value: bytes | None) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        decoded = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded if isinstance(decoded, dict) else None


async def _read(
    consumer: AIOKafkaConsumer, end: dict[TopicPartition, int], on_event: Callable[[dict], None],
    progress: Progress,
) -> int:  # fmt: skip
    """Read the assigned partitions until every one reaches ``end``; returns events read."""
    count = 0
    remaining = {tp for tp, off in end.items() if await consumer.position(tp) < off}
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=1000)
        for tp, messages in batches.items():
            for message in messages:
                if message.offset >= end[tp]:
                    continue
                count += 1
                progress(1)
                env = _decode(message.value)
                if env is not None:
                    on_event(env)
        remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    return count


async def total_events(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await _partitions(bootstrap, topic)
        begin = await consumer.beginning_offsets(parts)
        end = await consumer.end_offsets(parts)
        return sum(end[tp] - begin[tp] for tp in parts)
    finally:
        await consumer.stop()


async def _partitions(bootstrap: str, topic: str) -> list[TopicPartition]:
    """The topic's partitions from a fresh metadata request (none if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    found = [p["partition"] for d in described for p in d.get("partitions", [])]
    return [TopicPartition(topic, p) for p in sorted(found)]


async def reindex_kind(
    search: SearchProjection, bootstrap: str, kind: str, *, topic_prefix: str = "",
    progress: Progress = lambda _n: None,
) -> ReindexReport:  # fmt: skip
    topic = topic_for(kind, topic_prefix)
    new_index = await search.create_new_index(kind)
    latest: dict[str, tuple[dict[str, Any], int]] = {}

    def keep_newest(env: dict[str, Any]) -> None:
        change = record_change_from(env)
        if change is None or change.record.kind != kind:
            return
        held = latest.get(change.record.id)
        if held is None or change.version > held[1]:
            latest[change.record.id] = (project(change), change.version)

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await _partitions(bootstrap, topic)
        events = 0
        if parts:
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            events = await _read(consumer, await consumer.end_offsets(parts), keep_newest, progress)
        items = list(latest.values())
        for start in range(0, len(items), BATCH):
            await search.bulk_put(new_index, items[start : start + BATCH])
        replaced = await search.swap_alias(kind, new_index)
        caught_up = 0
        if parts:
            pending: list[dict[str, Any]] = []
            caught_up = await _read(
                consumer, await consumer.end_offsets(parts), pending.append, progress
            )
            for env in pending:
                change = record_change_from(env)
                if change is not None and change.record.kind == kind:
                    await search.put(kind, project(change), change.version, refresh=False)
    finally:
        await consumer.stop()
    return ReindexReport(kind, new_index, events, len(latest), replaced, caught_up)
