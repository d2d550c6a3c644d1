"""Dead-lettered messages, listed and replayed by an operator.

``python -m shared.deadletters list [--service S] [--topic T.dlq] [--json]``
``python -m shared.deadletters replay T.dlq [--at PARTITION:OFFSET ...]``

A message lands on ``<topic>.dlq`` (``shared/consuming.py``) with its key, body and
headers and the reason in ``dlq-*`` headers. Replay publishes the original key, body and
headers (without ``dlq-*``, plus ``dlq-replayed-from``) to the original topic: consumers
deduplicate on the event id (inbox) and apply versions, so a message that was already
handled changes nothing. ``replay`` without ``--at`` replays what has not been replayed
yet and then records how far it got (a committed offset of the group
``<group_prefix>.dlq-replay``), so running it twice does not replay twice; listings mark
those entries ``replayed``. Listings show where and why, never the body (it may hold
personal data).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from shared.broker import PRODUCER_DURABILITY
from shared.settings import Settings, get_settings

DLQ_SUFFIX = ".dlq"
REPLAYED_FROM = "dlq-replayed-from"


@dataclass
class DeadLetter:
    topic: str
    partition: int
    offset: int
    at: str  # when it was dead-lettered (broker time, ISO 8601)
    original_topic: str
    consumer_group: str
    reason: str
    error_type: str
    error_message: str
    attempts: int
    event_type: str | None
    event_id: str | None
    replayed: bool


def replay_group(settings: Settings) -> str:
    return f"{settings.group_prefix}.dlq-replay"


async def dlq_topics(settings: Settings) -> list[str]:
    """Every dead-letter topic under the settings' topic prefix."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        names = await admin.list_topics()
    finally:
        await admin.close()
    return sorted(
        t for t in names if t.endswith(DLQ_SUFFIX) and t.startswith(settings.topic_prefix)
    )


def _headers(raw: Any) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in (raw.headers or ())}


async def _read(settings: Settings, topic: str) -> tuple[list[Any], dict[TopicPartition, int]]:
    """Every record of ``topic`` up to its end now, and the replay group's positions."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, group_id=replay_group(settings),
        enable_auto_commit=False, auto_offset_reset="earliest",
    )  # fmt: skip
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()  # partitions of every topic
        parts = [
            TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]
        if not parts:
            return [], {}
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        done = {tp: (await consumer.committed(tp)) or 0 for tp in parts}
        await consumer.seek_to_beginning(*parts)
        records: list[Any] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            for tp, msgs in batch.items():
                records += [m for m in msgs if m.offset < ends[tp]]
        return records, done
    finally:
        await consumer.stop()


def _entry(raw: Any, done: dict[TopicPartition, int]) -> DeadLetter:
    h = _headers(raw)
    at = dt.datetime.fromtimestamp(raw.timestamp / 1000, dt.UTC).isoformat()
    return DeadLetter(
        topic=raw.topic, partition=raw.partition, offset=raw.offset, at=at,
        original_topic=h.get("dlq-original-topic", raw.topic.removesuffix(DLQ_SUFFIX)),
        consumer_group=h.get("dlq-consumer-group", ""), reason=h.get("dlq-reason", ""),
        error_type=h.get("dlq-error-type", ""), error_message=h.get("dlq-error-message", ""),
        attempts=int(h.get("dlq-attempts", "0") or 0), event_type=h.get("ce_type"),
        event_id=h.get("ce_id"),
        replayed=raw.offset < done.get(TopicPartition(raw.topic, raw.partition), 0),
    )  # fmt: skip


def _for_service(entry: DeadLetter, service: str | None, settings: Settings) -> bool:
    return service is None or entry.consumer_group.startswith(f"{settings.group_prefix}.{service}.")


async def list_dead_letters(
    settings: Settings | None = None, *, service: str | None = None, topic: str | None = None
) -> list[DeadLetter]:
    """The dead letters (of one consuming ``service`` and/or one DLQ ``topic``)."""
    settings = settings or get_settings()
    out: list[DeadLetter] = []
    for name in [topic] if topic else await dlq_topics(settings):
        records, done = await _read(settings, name)
        out += [e for e in (_entry(r, done) for r in records) if _for_service(e, service, settings)]
    return out


async def replay(
    settings: Settings | None = None,
    *,
    topic: str,
    at: list[tuple[int, int]] | None = None,
    service: str | None = None,
) -> list[DeadLetter]:
    """Publish dead letters of ``topic`` again to their original topics: those ``at``
    (partition, offset), or every one not replayed yet (then recorded as replayed)."""
    settings = settings or get_settings()
    if not topic.endswith(DLQ_SUFFIX):
        raise ValueError(f"{topic!r} is not a dead-letter topic (…{DLQ_SUFFIX})")
    records, done = await _read(settings, topic)
    wanted = set(at or ())
    chosen = [
        r for r in records
        if ((r.partition, r.offset) in wanted if at else not _entry(r, done).replayed)
        and _for_service(_entry(r, done), service, settings)
    ]  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **PRODUCER_DURABILITY)
    await producer.start()
    try:
        for r in chosen:
            headers = [(k, v) for k, v in (r.headers or ()) if not k.startswith("dlq-")]
            headers.append((REPLAYED_FROM, f"{r.topic}/{r.partition}/{r.offset}".encode()))
            original = _entry(r, done).original_topic
            await producer.send_and_wait(original, r.value, key=r.key, headers=headers)
    finally:
        await producer.stop()
    if not at:  # everything read is now replayed (or not this service's to replay)
        await _mark_replayed(settings, topic, records)
    return [_entry(r, done) for r in chosen]


async def _mark_replayed(settings: Settings, topic: str, records: list[Any]) -> None:
    ends: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(topic, r.partition)
        ends[tp] = max(ends.get(tp, 0), r.offset + 1)
    if not ends:
        return
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, group_id=replay_group(settings),
        enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    try:
        consumer.assign(list(ends))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in ends.items()})
    finally:
        await consumer.stop()


# ---- command line ------------------------------------------------------------------------

app = typer.Typer(add_completion=False, help=__doc__, no_args_is_help=True)


@app.command("list")
def list_command(
    service: Annotated[
        str | None, typer.Option(help="only what this service dead-lettered")
    ] = None,
    topic: Annotated[str | None, typer.Option(help="one dead-letter topic")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Dead letters: where, when, why; the last line is JSON with ``--json``."""
    entries = asyncio.run(list_dead_letters(service=service, topic=topic))
    if as_json:
        typer.echo(json.dumps([asdict(e) for e in entries], ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("topic", "partition:offset", "at", "reason", "error", "event", "replayed")
    for e in entries:
        table.add_row(e.topic, f"{e.partition}:{e.offset}", e.at[:19], e.reason,
                      f"{e.error_type}: {e.error_message[:60]}", e.event_type or "",
                      "yes" if e.replayed else "")  # fmt: skip
    Console().print(table)
    typer.echo(f"{len(entries)} dead letters")


def _position(text: str) -> tuple[int, int]:
    partition, _, offset = text.partition(":")
    if not (partition.isdigit() and offset.isdigit()):
        raise typer.BadParameter(f"{text!r}: expected PARTITION:OFFSET, e.g. 0:42")
    return int(partition), int(offset)


@app.command("replay")
def replay_command(
    topic: Annotated[str, typer.Argument(help="the dead-letter topic (<topic>.dlq)")],
    at: Annotated[list[str] | None, typer.Option("--at", help="PARTITION:OFFSET")] = None,
    service: Annotated[
        str | None, typer.Option(help="only what this service dead-lettered")
    ] = None,
) -> None:
    """Publish dead letters again to their original topic (all not yet replayed, or --at)."""
    positions = [_position(a) for a in at or []]
    done = asyncio.run(replay(topic=topic, at=positions or None, service=service))
    for e in done:
        typer.echo(f"replayed {e.topic} {e.partition}:{e.offset} -> {e.original_topic}")
    typer.echo(json.dumps({"replayed": len(done)}))


if __name__ == "__main__":
    app()
