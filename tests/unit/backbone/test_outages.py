"""An engine away is not a bad message: the consumer pauses and retries, never DLQs.

Runs on FastStream's in-memory TestKafkaBroker; the outages are raised by the handler
with the exceptions the real clients raise (pymongo, opensearch-py, aiokafka, httpx).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opensearchpy.exceptions import ConnectionError as SearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure

from shared.consuming import CONSUMER_PAUSED, EventConsumer
from shared.events import Envelope, new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.settings import Settings
from shared.transient import unavailable

pytestmark = pytest.mark.unit
SETTINGS = Settings(topic_prefix="unit.", group_prefix="unit")
TOPIC = "unit.talent.demand"


@pytest.mark.parametrize(
    ("error", "dependency"),
    [
        (AutoReconnect("connection refused"), "database"),
        (OperationFailure("database is locked"), "database"),
        (SearchConnectionError("N/A", "refused", None), "search"),
        (ConnectionTimeout("TIMEOUT", "read timed out", None), "search"),
        (TransportError(503, "unavailable", {}), "search"),
        (KafkaConnectionError("broker away"), "broker"),
        (httpx.ConnectError("refused"), "network"),
        (ConnectionRefusedError(111, "refused"), "network"),
        (TimeoutError(), "network"),
    ],
)
def test_errors_of_an_unreachable_engine_name_the_engine(
    error: BaseException, dependency: str
) -> None:
    assert unavailable(error) == dependency


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad field"),
        KeyError("id"),
        DuplicateKeyError("dup"),
        OperationFailure("unknown operator $foo"),
        TransportError(400, "mapper_parsing_exception", {}),
    ],
)
def test_errors_about_the_message_are_not_outages(error: BaseException) -> None:
    assert unavailable(error) is None


def test_an_error_raised_from_an_outage_is_an_outage() -> None:
    try:
        try:
            raise AutoReconnect("refused")
        except AutoReconnect as inner:
            raise RuntimeError("could not save") from inner
    except RuntimeError as outer:
        assert unavailable(outer) == "database"


def _event() -> Envelope:
    payload = TalentDemandPublished(id="d1", owner_org_id="o", title="工程师", seniority="mid")
    return new_event(payload, subject="d1", version=1, source="talent")


def _setup(handler: Any, **kwargs: Any) -> tuple[KafkaBroker, EventConsumer, list[KafkaMessage]]:
    broker = KafkaBroker()
    consumer = EventConsumer(
        broker, service="svc", settings=SETTINGS, backoff=0.001, outage_backoff_max=0.01, **kwargs
    )
    consumer.on(TalentDemandPublished)(handler)
    dead: list[KafkaMessage] = []

    @broker.subscriber(f"{TOPIC}.dlq")
    async def capture(body: Any, message: KafkaMessage) -> None:
        dead.append(message)

    return broker, consumer, dead


async def test_an_outage_longer_than_every_retry_is_ridden_out_not_dead_lettered() -> None:
    calls, paused_seen = 0, []
    consumer_ref: list[EventConsumer] = []

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1
        if calls <= 25:  # far more than max_attempts: only an outage may take this long
            if calls > 1:
                paused_seen.append(dict(consumer_ref[0].paused))
            raise SearchConnectionError("N/A", "connection refused", None)

    broker, consumer, dead = _setup(handle, max_attempts=3)
    consumer_ref.append(consumer)
    env = _event()
    async with TestKafkaBroker(broker) as br:
        await br.publish(env.to_json_bytes(), TOPIC, key=b"d1", headers=env.kafka_headers())
    assert calls == 26
    assert dead == []
    assert paused_seen[0][TOPIC][0] == "search"  # the partition said what it waited for
    assert consumer.paused == {}  # resumed
    assert CONSUMER_PAUSED.labels("svc", TOPIC, "search")._value.get() == 0


async def test_a_bad_message_after_an_outage_still_gets_its_attempts_and_the_dlq() -> None:
    calls = 0

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise AutoReconnect("refused")
        raise ValueError("this record cannot be projected")

    broker, _, dead = _setup(handle, max_attempts=3)
    env = _event()
    async with TestKafkaBroker(broker) as br:
        await br.publish(env.to_json_bytes(), TOPIC, key=b"d1", headers=env.kafka_headers())
    assert calls == 2 + 3
    [msg] = dead
    assert msg.headers["dlq-error-type"] == "ValueError"
    assert msg.headers["dlq-attempts"] == "3"


async def test_stopping_during_an_outage_hands_the_message_back_promptly() -> None:
    started = asyncio.Event()

    async def handle(payload: Any, event: Envelope) -> None:
        started.set()
        raise AutoReconnect("refused")

    broker, consumer, dead = _setup(handle)
    consumer.outage_backoff_max = 60.0  # a long pause: only the stop may end it
    consumer.backoff = 30.0
    env = _event()
    async with TestKafkaBroker(broker) as br:
        task = asyncio.create_task(
            br.publish(env.to_json_bytes(), TOPIC, key=b"d1", headers=env.kafka_headers())
        )
        await asyncio.wait_for(started.wait(), 5)
        loop = asyncio.get_running_loop()
        begun = loop.time()
        consumer._stopping.set()
        await asyncio.wait_for(task, 5)
        assert loop.time() - begun < 2
    assert dead == []
