"""``make bench-store``: the aggregate store on the local engine, beside raw inserts.

Three measures, one run, one throwaway database:
- races: ``writers`` concurrent saves of the same version, ``rounds`` times; a round with
  more than one winner is a double winner (the store's goal is 0);
- units: ``bookers`` concurrent acquires of ``units`` counted units (goal: exactly ``units``);
- throughput: ``writers`` tasks each saving its own aggregates (create, then updates),
  with the change relay running and publishing to Kafka, beside ``writers`` tasks doing
  plain single-document inserts of the same size (``raw_inserts_per_s``).

The last line is one JSON object (see the issue "One correct way to change an aggregate").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

from pydantic import BaseModel

from shared.broker import create_producer, delete_topics, ensure_topics
from shared.db import create_mongo_client
from shared.events import Envelope
from shared.events.registry import topic_for
from shared.relay import ChangeRelay
from shared.settings import Settings
from shared.store import Conflict, MongoAggregateStore
from shared.units import CountedUnits

EVENT_TYPE = "techtransfer.need.updated"
TEXT = "面向集成电路制造的高精度缺陷检测与良率分析平台，" * 6


class Record(BaseModel):
    id: str
    version: int = 0
    title: str = TEXT
    domains: list[str] = ["ic", "ai"]
    n: int = 0


def envelope(agg: str, n: int) -> Envelope:
    return Envelope(
        id=uuid.uuid4().hex,
        source="/duijie/bench",
        type=EVENT_TYPE,
        subject=agg,
        time="2026-01-01T00:00:00Z",
        data={"n": n, "title": TEXT},
        version=0,
    )


async def races(store: MongoAggregateStore[Record], writers: int, rounds: int) -> int:
    double = 0
    for r in range(rounds):
        agg = f"race-{r}"
        await store.create(agg, Record(id=agg))

        async def write(n: int, agg: str = agg) -> bool:
            try:
                await store.save(agg, Record(id=agg, n=n), 1, [envelope(agg, n)])
            except Conflict:
                return False
            return True

        won = sum(await asyncio.gather(*(write(n) for n in range(writers))))
        double += won > 1
    return double


async def throughput(
    store: MongoAggregateStore[Record], writers: int, saves: int, label: str
) -> float:
    per = saves // writers

    async def writer(w: int) -> None:
        for i in range(per // 4):
            agg = f"tp{label}-{w}-{i}"
            for v in range(4):
                await store.save(agg, Record(id=agg, n=v), v, [envelope(agg, v)])

    t = time.perf_counter()
    await asyncio.gather(*(writer(w) for w in range(writers)))
    return (writers * (per // 4) * 4) / (time.perf_counter() - t)


async def raw_inserts(db, writers: int, saves: int, label: str) -> float:  # type: ignore[no-untyped-def]
    per = saves // writers
    doc = {
        **Record(id="x").model_dump(mode="json"),
        "events": [envelope("x", 0).model_dump(mode="json")],
    }

    async def writer(w: int) -> None:
        for i in range(per):
            await db["raw"].insert_one({**doc, "_id": f"{label}-{w}-{i}"})

    t = time.perf_counter()
    await asyncio.gather(*(writer(w) for w in range(writers)))
    return writers * per / (time.perf_counter() - t)


async def drained(relay: ChangeRelay, within: float = 60.0) -> int:
    """Changes still unpublished once the relay caught up (or the deadline passed)."""
    deadline = time.monotonic() + within
    left = await relay.pending()
    while left and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        left = await relay.pending()
    return left


async def main(args: argparse.Namespace) -> dict[str, object]:
    run = uuid.uuid4().hex[:8]
    settings = Settings(topic_prefix=f"bench-{run}.", db_prefix=f"bench_{run}")
    client = create_mongo_client(settings)
    db = client[f"bench_store_{run}"]
    topic = topic_for(EVENT_TYPE, settings)
    await ensure_topics([topic], settings)
    relay = ChangeRelay(db, create_producer(settings), service="bench", settings=settings)
    await relay.start()
    try:
        store = MongoAggregateStore(db, "record", Record)
        double = await races(store, args.writers, args.rounds)
        outcomes = await asyncio.gather(
            *(CountedUnits(db).acquire("seats", f"b{n}", args.units) for n in range(args.bookers))
        )
        granted = sum(o.status == "held" for o in outcomes)
        # alternated, best of two each: the other processes on 2 cores come and go
        raw, saves = 0.0, 0.0
        for k in range(2):
            raw = max(raw, await raw_inserts(db, args.writers, args.saves, str(k)))
            saves = max(saves, await throughput(store, args.writers, args.saves, str(k)))
        unpublished = await drained(relay)
    finally:
        await relay.stop()
        await client.drop_database(db.name)
        await client.close()
        await delete_topics([topic], settings)
    print(f"races: {args.rounds} rounds x {args.writers} writers, double winners {double}")
    print(f"units: {args.bookers} bookers on {args.units} units, granted {granted}")
    print(
        f"saves {saves:,.0f}/s (relay on, {unpublished} left unpublished)  raw inserts {raw:,.0f}/s"
        f"  ratio {saves / raw:.2f}"
    )
    return {
        "writers": args.writers,
        "rounds": args.rounds,
        "double_winners": double,
        "units": args.units,
        "bookers": args.bookers,
        "granted": granted,
        "saves_per_s": round(saves, 1),
        "raw_inserts_per_s": round(raw, 1),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--units", type=int, default=10)
    p.add_argument("--bookers", type=int, default=200)
    p.add_argument("--saves", type=int, default=4000)
    print(json.dumps(asyncio.run(main(p.parse_args()))))
