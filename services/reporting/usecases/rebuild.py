"""Rebuild the read model from the topics (earliest offsets) into a new generation, then
swap the pointer: readers never see a half-built model. The running service notices the
swap at its next refresh, loads the new generation and reads on from its offsets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from services.reporting.handlers import TopicReader
from services.reporting.storage.snapshots import SnapshotRepository
from services.reporting.usecases.project import Projector
from shared.broker import EventProducer
from shared.settings import Settings

Progress = Callable[[int], None]


@dataclass
class RebuildReport:
    generation: str
    previous: str | None
    events: int
    applied: int
    dead_lettered: int
    seconds: float
    events_per_second: float


async def end_offsets(reader: TopicReader) -> dict:
    assert reader.consumer is not None
    return await reader.consumer.end_offsets(list(reader.assigned)) if reader.assigned else {}


async def rebuild(repo: SnapshotRepository, settings: Settings, *, total: Callable[[int], None],
                  progress: Progress, swap: bool = True) -> RebuildReport:  # fmt: skip
    projector = Projector(repo, interval=3600.0)  # a fresh generation; saved once, at the end
    producer = EventProducer(settings, client_id="duijie-reporting-rebuild")
    reader = TopicReader(projector, settings, producer)
    started = time.perf_counter()
    await reader.start()
    events = 0
    try:
        ends = await end_offsets(reader)
        begins = await reader.consumer.beginning_offsets(list(ends)) if ends else {}  # type: ignore[union-attr]
        total(sum(ends[tp] - begins[tp] for tp in ends))
        remaining = {tp for tp, end in ends.items() if await reader.consumer.position(tp) < end}  # type: ignore[union-attr]
        while remaining:
            read = await reader.poll_once(timeout_ms=1000)
            events += read
            progress(read)
            remaining = {tp for tp in remaining
                         if await reader.consumer.position(tp) < ends[tp]}  # type: ignore[union-attr]  # fmt: skip
        await projector.save(full=True)
    finally:
        await reader.stop()
        await producer.stop()
    previous = await repo.current_generation()
    if swap:
        await repo.point_to(projector.checkpoint.generation)
    seconds = time.perf_counter() - started
    return RebuildReport(projector.checkpoint.generation, previous, events,
                         projector.checkpoint.applied, reader.dead_lettered, round(seconds, 2),
                         round(events / seconds, 1) if seconds else 0.0)  # fmt: skip
