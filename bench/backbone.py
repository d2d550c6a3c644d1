"""Benchmark: events through the aggregate store + change relay + subscriber vs raw
aiokafka, same run.

Two phases per path, on the real broker and database from settings:
- burst: N events written as fast as the path accepts them → throughput (events/s);
- paced: events at a fixed rate → end-to-end latency p50/p95/p99 without queueing.
Backbone latency runs per event from just before the store's save (the change insert,
compare-and-set and outbox row at once, then the state write) to the subscriber's
handler (its effect: recording the time). Raw latency runs from ``producer.send`` to the
raw consumer. Both use the same payload bytes and the same
producer durability (acks=all, idempotent, linger 1 ms).

The raw baseline is aiokafka used the normal way: sends pipelined (futures awaited
together), ``getmany`` batches, offsets committed every 100 ms like the backbone's
committer. (A per-message ``commit()`` caps raw aiokafka at ~150 events/s here, which
made an earlier version of this comparison flatter the backbone's throughput gap and
understate its latency ratio.)
The last line printed is one JSON object (throughput_eps, p50_ms, p99_ms, raw_p99_ms,
p99_ratio, ...).

    uv run python -m bench.backbone --n 2000 --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import BaseModel

from shared.broker import create_broker, create_producer, delete_topics, ensure_topics
from shared.consuming import EventConsumer
from shared.db import create_mongo_client
from shared.events import Envelope, new_event, topic_for
from shared.events.contracts.techtransfer import TechNeedPublished
from shared.relay import ChangeRelay
from shared.settings import Settings, get_settings
from shared.store import MongoAggregateStore

BATCH = 50  # concurrent saves in the burst phase (a bulk import's shape)


class NeedState(BaseModel):
    """The smallest aggregate that carries the benchmark's event."""

    id: str
    version: int = 0


COMMIT_INTERVAL = 0.1  # the raw consumer's offset commits, as the backbone's committer


def _payload(i: int) -> TechNeedPublished:
    return TechNeedPublished(
        id=f"n{i}", owner_org_id="org-1", title="基于大模型的企业知识库智能问答系统技术需求",
        description="需建设面向内部规章制度、设备手册和运维工单的智能问答助手，要求本地化部署。",
        domains=["ai", "nextgen_it"], keywords=["大模型", "知识库", "智能问答"],
        budget_cny=(800_000, 3_000_000), min_trl=7, cooperation_modes=["license"],
    )  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _summary(lat: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(lat, 0.50) * 1000, 2),
        "p95_ms": round(_pct(lat, 0.95) * 1000, 2),
        "p99_ms": round(_pct(lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else float("nan"),
    }


async def _until(pred: Any, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark stalled")
        await asyncio.sleep(0.01)


async def backbone(settings: Settings, n: int, rate: float | None) -> tuple[float, list[float]]:
    client = create_mongo_client(settings)
    db = client[f"{settings.db_prefix}_bench_{uuid.uuid4().hex[:6]}"]
    store = MongoAggregateStore(db, "need", NeedState, collection="needs")
    sent_at: dict[str, float] = {}
    lat: list[float] = []
    broker = create_broker(settings, service="bench")
    consumer = EventConsumer(broker, service="bench", settings=settings)

    @consumer.on(TechNeedPublished)
    async def handle(payload: TechNeedPublished, event: Envelope) -> None:
        lat.append(time.perf_counter() - sent_at[event.subject])

    relay = ChangeRelay(db, create_producer(settings), service="bench", settings=settings)
    await broker.start()
    await relay.start()

    async def save(i: int) -> None:
        ev = new_event(_payload(i), subject=f"n{i}", version=1, source="bench")
        sent_at[f"n{i}"] = time.perf_counter()
        await store.create(f"n{i}", NeedState(id=f"n{i}"), [ev])

    try:
        start = time.perf_counter()
        if rate is None:  # many writers at once: the store group-commits them
            for lo in range(0, n, BATCH):
                await asyncio.gather(*(save(i) for i in range(lo, min(n, lo + BATCH))))
        else:
            for i in range(n):
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                await save(i)
        await _until(lambda: len(lat) >= n, 300)
        elapsed = time.perf_counter() - start
    finally:
        await relay.stop()
        await broker.stop()
        await client.drop_database(db.name)
        await client.close()
    return n / elapsed, lat


async def raw(settings: Settings, n: int, rate: float | None) -> tuple[float, list[float]]:
    topic = f"{settings.topic_prefix}raw.bench"
    await ensure_topics([topic], settings)
    value = new_event(_payload(0), subject="n0", version=1, source="bench").to_json_bytes()
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=1
    )
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.kafka_bootstrap, group_id=f"{settings.group_prefix}.raw",
        auto_offset_reset="latest", enable_auto_commit=False, fetch_max_wait_ms=100,
    )  # fmt: skip
    await producer.start()
    await consumer.start()
    await _until(lambda: bool(consumer.assignment()), 30)
    await consumer.seek_to_end()
    for tp in consumer.assignment():
        await consumer.position(tp)  # resolve the reset now, not after the first sends
    sent_at: dict[bytes, float] = {}
    lat: list[float] = []

    async def consume() -> None:
        committed = time.perf_counter()
        while len(lat) < n:
            batch = await consumer.getmany(timeout_ms=100, max_records=500)
            for records in batch.values():
                for msg in records:
                    lat.append(time.perf_counter() - sent_at[msg.key])
            if batch and time.perf_counter() - committed >= COMMIT_INTERVAL:
                await consumer.commit()  # the consumed position: all of it is processed
                committed = time.perf_counter()
        await consumer.commit()

    task = asyncio.create_task(consume())
    try:
        start = time.perf_counter()
        futures = []
        for i in range(n):
            if rate is not None:
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            key = f"n{i}".encode()
            sent_at[key] = time.perf_counter()
            futures.append(await producer.send(topic, value, key=key))
        await asyncio.gather(*futures)
        await asyncio.wait_for(task, 300)
        elapsed = time.perf_counter() - start
    finally:
        task.cancel()
        await consumer.stop()
        await producer.stop()
    return n / elapsed, lat


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="events in the burst phase")
    parser.add_argument("--paced", type=int, default=600, help="events in the paced phase")
    parser.add_argument("--rate", type=float, default=100.0, help="events/s in the paced phase")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    settings = get_settings().model_copy(
        update={
            "topic_prefix": f"bench-{run}.",
            "group_prefix": f"bench-{run}",
            "db_prefix": f"bench_{run}",
        }
    )
    topics = [topic_for("techtransfer.need.published", settings), f"bench-{run}.raw.bench"]
    await ensure_topics(topics[:1], settings)
    try:
        raw_tput, raw_burst = await raw(settings, args.n, None)
        bb_tput, bb_burst = await backbone(settings, args.n, None)
        _, raw_lat = await raw(settings, args.paced, args.rate)
        _, bb_lat = await backbone(settings, args.paced, args.rate)
    finally:
        await delete_topics(topics + [f"{t}.dlq" for t in topics], settings)
    result: dict[str, Any] = {
        "n": args.n,
        "throughput_eps": round(bb_tput, 1),
        "raw_throughput_eps": round(raw_tput, 1),
        **_summary(bb_lat),
        **{f"raw_{k}": v for k, v in _summary(raw_lat).items()},
        "paced_rate_eps": args.rate,
        "burst_p99_ms": _summary(bb_burst)["p99_ms"],
        "raw_burst_p99_ms": _summary(raw_burst)["p99_ms"],
    }
    result["p99_ratio"] = round(result["p99_ms"] / result["raw_p99_ms"], 2)
    print(
        f"burst: backbone {result['throughput_eps']} ev/s, raw {result['raw_throughput_eps']} ev/s"
    )
    bb = "/".join(str(result[k]) for k in ("p50_ms", "p95_ms", "p99_ms"))
    rw = "/".join(str(result[k]) for k in ("raw_p50_ms", "raw_p95_ms", "raw_p99_ms"))
    print(f"paced {args.rate}/s: p50/p95/p99 backbone {bb} ms, raw {rw} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
