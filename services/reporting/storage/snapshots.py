"""Snapshots of the read model: one keyed document per (generation, kind, shard), and one
checkpoint document per generation holding the Kafka offsets the shards include.

Single writer (the service's consumer, or a rebuild writing a new generation), keyed
replaces by ``_id`` only: the one write FerretDB does exactly and fast. A checkpoint
writes the changed shards first (each one compressed JSON value) and the offsets last,
so a crash in between leaves shards a little ahead of their offsets; the events after
those offsets are applied again on restart, which the facts absorb (they are idempotent
by construction).
``pointer`` names the generation readers load; a rebuild swaps it when complete.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.domain.facts import KINDS
from services.reporting.domain.model import SHARDS, ReadModel

SNAPSHOTS = "snapshots"
CHECKPOINTS = "checkpoints"
POINTER = "pointer"
WRITE_BATCH = 16  # shard documents per bulk_write (each may be a megabyte)
IN_FLIGHT = 4  # concurrent reads or bulk writes of shard documents

Offsets = dict[tuple[str, int], int]


def pack(rows: list[list[Any]]) -> bytes:
    """A shard's rows as compressed JSON: FerretDB 1.x refuses nested arrays, and one
    binary value is what it stores and returns fastest."""
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def unpack(blob: bytes) -> list[list[Any]]:
    return json.loads(zlib.decompress(blob))


async def _bounded(calls: list[Awaitable[Any]], limit: int) -> None:
    slots = asyncio.Semaphore(limit)

    async def run(call: Awaitable[Any]) -> None:
        async with slots:
            await call

    await asyncio.gather(*(run(c) for c in calls))


@dataclass
class Checkpoint:
    generation: str
    offsets: Offsets
    applied: int = 0


class SnapshotRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.snapshots = db[SNAPSHOTS]
        self.checkpoints = db[CHECKPOINTS]

    async def current_generation(self) -> str | None:
        doc = await self.checkpoints.find_one({"_id": POINTER})
        return None if doc is None else str(doc["generation"])

    async def point_to(self, generation: str) -> None:
        await self.checkpoints.replace_one(
            {"_id": POINTER}, {"generation": generation, "at": dt.datetime.now(dt.UTC)}, upsert=True
        )

    async def save(self, model: ReadModel, checkpoint: Checkpoint, *, full: bool = False) -> int:
        """Write the dirty shards (every shard when ``full``), then the offsets; returns
        the number of shard documents written."""
        dirty = model.take_dirty()
        try:
            return await self._write(model, checkpoint, dirty, full)
        except BaseException:
            for kind, shards in dirty.items():  # written again at the next checkpoint
                model.dirty[kind] |= shards
            raise

    async def _write(
        self, model: ReadModel, checkpoint: Checkpoint, dirty: dict[str, set[int]], full: bool
    ) -> int:
        if full:
            dirty = {k: set(range(SHARDS)) for k in KINDS}
        ops = []
        for kind, shards in dirty.items():
            if not shards:
                continue
            for shard, rows in model.shard_rows(kind, shards).items():
                doc = {"rows": pack(rows), "n": len(rows)}
                ops.append(
                    ReplaceOne({"_id": f"{checkpoint.generation}:{kind}:{shard}"}, doc, upsert=True)
                )
        batches = [ops[i : i + WRITE_BATCH] for i in range(0, len(ops), WRITE_BATCH)]
        await _bounded(
            [self.snapshots.bulk_write(batch, ordered=False) for batch in batches], IN_FLIGHT
        )
        offsets = [
            {"topic": t, "partition": p, "offset": o}
            for (t, p), o in sorted(checkpoint.offsets.items())
        ]
        await self.checkpoints.replace_one(
            {"_id": f"offsets:{checkpoint.generation}"},
            {"offsets": offsets, "applied": checkpoint.applied, "at": dt.datetime.now(dt.UTC)},
            upsert=True,
        )
        return len(ops)

    async def load(
        self, generation: str, model: ReadModel, progress: Callable[[int], None] = lambda _n: None
    ) -> Checkpoint | None:
        """Fill ``model`` from a generation's shards; its checkpoint, or None if it has none."""
        doc = await self.checkpoints.find_one({"_id": f"offsets:{generation}"})
        if doc is None:
            return None
        # A few reads in flight: the database works on the next shards while this process
        # decodes the last ones (sequential reads left each side idle half the time).
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def fetch(kind: str, shard: int) -> tuple[str, dict[str, Any] | None]:
            async with slots:
                return kind, await self.snapshots.find_one({"_id": f"{generation}:{kind}:{shard}"})

        fetches = [asyncio.ensure_future(fetch(k, s)) for k in KINDS for s in range(SHARDS)]
        for next_done in asyncio.as_completed(fetches):
            kind, found = await next_done
            if found is not None:
                model.load_rows(kind, unpack(found["rows"]))
            progress(1)
        model.take_dirty()
        offsets = {(o["topic"], int(o["partition"])): int(o["offset"]) for o in doc["offsets"]}
        return Checkpoint(generation, offsets, int(doc.get("applied", 0)))

    async def drop_generation(self, generation: str) -> None:
        ids = [f"{generation}:{k}:{s}" for k in KINDS for s in range(SHARDS)]
        for doc_id in ids:  # by _id only: any other filter scans on FerretDB
            await self.snapshots.delete_one({"_id": doc_id})
        await self.checkpoints.delete_one({"_id": f"offsets:{generation}"})
