"""make bench-report: a year of events for 30,000 enterprises, replayed into the reporting
read model (with its FerretDB checkpoints), then the city's annual report (load from the
snapshot, derive, XLSX + HTML), reconciled against the figures the synthesiser planned.

The replay feeds the consumer's own per-message path (``handlers.translate`` on the
encoded envelope, then ``Projector.apply`` in batches, checkpointing every few seconds),
without Kafka. ``--kafka N`` also publishes the first N events to real Kafka topics (a
unique prefix, deleted afterwards) and reads them back through ``TopicReader``: that
figure is printed in the table, not in the JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
import uuid

import typer
from rich.console import Console
from rich.table import Table

from bench.report_data import Synth
from bench.report_markets import catalogue, roadshows, scenarios, talent, techtransfer
from services.reporting.domain.model import ReadModel
from services.reporting.domain.report import annual_report
from services.reporting.handlers import Rejected, translate
from services.reporting.storage.snapshots import SnapshotRepository
from services.reporting.usecases.export import to_html, to_xlsx
from services.reporting.usecases.project import Projector, load_generation
from shared.db import create_mongo_client
from shared.settings import Settings

console = Console(stderr=True)
BATCH = 5_000


def cpu_seconds() -> float:
    """This process's CPU time: on a shared machine the wall clock also measures others."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def synthesise(year: int, enterprises: int) -> tuple[Synth, list[tuple[str, bytes]]]:
    s = Synth(year, enterprises)
    events = [
        *s.orgs(),
        *s.tiers(),
        *techtransfer(s),
        *catalogue(s),
        *talent(s),
        *scenarios(s),
        *roadshows(s),
    ]
    s.rng.shuffle(events)  # topics interleave in any order on a replay
    return s, events


async def replay(
    repo: SnapshotRepository, events: list[tuple[str, bytes]]
) -> tuple[Projector, float, int]:
    projector = Projector(repo, interval=5.0)
    rejected = 0
    started = time.perf_counter()
    for start in range(0, len(events), BATCH):
        batch = []
        for offset, (topic, raw) in enumerate(events[start : start + BATCH], start):
            try:
                incoming = translate(raw)
            except Rejected:
                rejected += 1
                incoming = None
            batch.append((topic, 0, offset, incoming))
        projector.apply(batch)
        if projector.due(idle=False):
            await projector.save()
    await projector.save()
    await repo.point_to(projector.checkpoint.generation)
    return projector, time.perf_counter() - started, rejected


def reconcile(report: dict, s: Synth) -> list[str]:
    wrong = []
    for market, expected in s.expected.funnels.items():
        got = report["funnels"][market]["total"]
        for stage, n in expected.items():
            if got.get(stage) != n:
                wrong.append(f"{market}.{stage}: {got.get(stage)} != {n}")
        for dim in ("by_month", f"by_{report['breakdown']}"):
            sums = {st: sum(r[st] for r in report["funnels"][market][dim].values()) for st in got}
            if sums != got:
                wrong.append(f"{market} {dim} does not add up to the total")
    for key, n in s.expected.outcomes.items():
        if report["outcomes"]["total"].get(key) != n:
            wrong.append(f"outcome {key}: {report['outcomes']['total'].get(key)} != {n}")
    tiers = report["tiers"]
    for tier, n in s.expected.tiers_added.items():
        if tiers["added"][tier] != n:
            wrong.append(f"tier added {tier}: {tiers['added'][tier]} != {n}")
    for tier, n in s.expected.tiers_removed.items():
        if tiers["removed"][tier] != n:
            wrong.append(f"tier removed {tier}: {tiers['removed'][tier]} != {n}")
    for move, n in s.expected.moves.items():
        if tiers["moves"][move] != n:
            wrong.append(f"move {move}: {tiers['moves'][move]} != {n}")
    if report["compliance"]["compliant_months"] != s.expected.compliant_months:
        wrong.append(f"compliant months {report['compliance']['compliant_months']}")
    return wrong


async def through_kafka(events: list[tuple[str, bytes]], n: int) -> dict:
    """Publish n events to real topics, read them back through the service's reader."""
    from aiokafka import AIOKafkaProducer

    from services.reporting.handlers import TopicReader
    from shared.broker import EventProducer, delete_topics, ensure_topics
    from shared.events import topic_name

    run = uuid.uuid4().hex[:8]
    settings = Settings(topic_prefix=f"bench-{run}.", db_prefix=f"bench_{run}")
    sample = events[:n]
    topics = sorted({topic_name(t, settings) for t, _ in sample})
    await ensure_topics(topics, settings)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=20,
        max_batch_size=1 << 20,
    )
    await producer.start()
    t0 = time.perf_counter()
    futures = [await producer.send(topic_name(t, settings), raw, key=None) for t, raw in sample]
    await asyncio.gather(*futures)
    await producer.stop()
    produced = time.perf_counter() - t0
    client = create_mongo_client(settings)
    db = client[f"{settings.db_prefix}_reporting"]
    dlq = EventProducer(settings)
    try:
        projector = Projector(SnapshotRepository(db), interval=5.0)
        reader = TopicReader(projector, settings, dlq)
        await reader.start()
        t0 = time.perf_counter()
        read = 0
        deadline = time.monotonic() + 600
        while read < n:
            if time.monotonic() > deadline:
                raise RuntimeError(f"read {read} of {n} events from Kafka in 600 s")
            read += await reader.poll_once(timeout_ms=1000)
            if projector.due(idle=False):
                await projector.save()
        await projector.save()
        consumed = time.perf_counter() - t0
        await reader.stop()
    finally:
        await dlq.stop()
        await client.drop_database(db.name)
        await client.close()
        await delete_topics(topics, settings)
    return {
        "events": n,
        "produce_eps": round(n / produced),
        "consume_apply_eps": round(n / consumed),
    }


async def main(enterprises: int, year: int, kafka: int) -> dict:
    t0 = time.perf_counter()
    s, events = synthesise(year, enterprises)
    console.print(f"synthesised {len(events):,} events in {time.perf_counter() - t0:.1f} s")
    run = uuid.uuid4().hex[:8]
    settings = Settings(db_prefix=f"bench_{run}")
    client = create_mongo_client(settings)
    db = client[f"{settings.db_prefix}_reporting"]
    try:
        repo = SnapshotRepository(db)
        cpu0 = cpu_seconds()
        projector, seconds, rejected = await replay(repo, events)
        replay_cpu = cpu_seconds() - cpu0
        console.print(
            f"replayed in {seconds:.1f} s ({rejected} rejected); "
            f"{len(projector.model.cases):,} cases, {len(projector.model.items):,} items"
        )
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        model = ReadModel()
        generation = await repo.current_generation()
        assert generation is not None
        await load_generation(repo, generation, model)  # as the service and the CLI load
        loaded = time.perf_counter() - t0
        report = annual_report(model, year)
        xlsx, html = to_xlsx(report), to_html(report)
        report_seconds = time.perf_counter() - t0
        report_cpu = cpu_seconds() - cpu0
        wrong = reconcile(report, s)
    finally:
        await client.drop_database(db.name)
        await client.close()
    table = Table(title="bench-report")
    for col in ("measure", "value"):
        table.add_column(col)
    rows = [
        ("events", f"{len(events):,}"),
        ("replay events/s (no Kafka)", f"{len(events) / seconds:,.0f}"),
        ("replay CPU s (this process; FerretDB apart)", f"{replay_cpu:.1f}"),
        ("snapshot load s", f"{loaded:.1f}"),
        ("city report s (load+derive+xlsx+html)", f"{report_seconds:.1f}"),
        ("city report CPU s", f"{report_cpu:.1f}"),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
        ("xlsx / html bytes", f"{len(xlsx):,} / {len(html):,}"),
        ("mismatches", str(len(wrong))),
    ]
    if kafka:
        k = await through_kafka(events, kafka)
        rows += [
            (f"Kafka: produce {k['events']:,} events/s", f"{k['produce_eps']:,}"),
            ("Kafka: read+validate+apply events/s", f"{k['consume_apply_eps']:,}"),
        ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for line in wrong[:20]:
        console.print(f"[red]{line}[/red]")
    return {
        "events": len(events),
        "replay_eps": round(len(events) / seconds),
        "report_seconds": round(report_seconds, 1),
        "reconciled": not wrong,
    }


def cli(
    enterprises: int = typer.Option(30_000, help="enterprises"),
    year: int = typer.Option(2025, help="the year synthesised and reported"),
    kafka: int = typer.Option(200_000, help="events also sent through real Kafka (0: none)"),
) -> None:
    print(json.dumps(asyncio.run(main(enterprises, year, kafka))))


if __name__ == "__main__":
    typer.run(cli)
