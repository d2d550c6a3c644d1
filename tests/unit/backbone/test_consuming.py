"""The subscriber helper's decisions, with FastStream's in-memory TestKafkaBroker."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.consuming import EventConsumer, PermanentError
from shared.events import Envelope, new_event
from shared.events.contracts.talent import TalentDemandPublished, TalentDemandUpdated
from shared.settings import Settings

pytestmark = pytest.mark.unit
SETTINGS = Settings(topic_prefix="unit.", group_prefix="unit")
TOPIC = "unit.talent.demand"


def _event(version: int = 1) -> Envelope:
    payload = TalentDemandPublished(id="d1", owner_org_id="o", title="工程师", seniority="mid")
    return new_event(payload, subject="d1", version=version, source="talent")


def _setup(handler: Any, **kwargs: Any) -> tuple[KafkaBroker, list[KafkaMessage]]:
    broker = KafkaBroker()
    consumer = EventConsumer(broker, service="svc", settings=SETTINGS, backoff=0.001, **kwargs)
    consumer.on(TalentDemandPublished)(handler)
    dead: list[KafkaMessage] = []

    @broker.subscriber(f"{TOPIC}.dlq")
    async def capture(body: Any, message: KafkaMessage) -> None:
        dead.append(message)

    return broker, dead


async def test_a_known_event_reaches_its_typed_handler() -> None:
    got: list[tuple[Any, Envelope]] = []

    async def handle(payload: TalentDemandPublished, event: Envelope) -> None:
        got.append((payload, event))

    broker, dead = _setup(handle)
    env = _event()
    async with TestKafkaBroker(broker) as br:
        await br.publish(env.to_json_bytes(), TOPIC, key=b"d1", headers=env.kafka_headers())
    assert [(p.title, e.id) for p, e in got] == [("工程师", env.id)]
    assert dead == []


async def test_a_failing_handler_is_retried_then_dead_lettered_with_error_headers() -> None:
    calls = 0

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("boom")

    broker, dead = _setup(handle, max_attempts=3)
    env = _event()
    async with TestKafkaBroker(broker) as br:
        await br.publish(env.to_json_bytes(), TOPIC, key=b"d1", headers=env.kafka_headers())
    assert calls == 3
    [msg] = dead
    assert msg.headers["dlq-reason"] == "handler_failed"
    assert msg.headers["dlq-error-type"] == "RuntimeError"
    assert msg.headers["dlq-error-message"] == "boom"
    assert msg.headers["dlq-attempts"] == "3"
    assert msg.headers["dlq-original-topic"] == TOPIC
    assert msg.headers["ce_id"] == env.id  # original headers kept
    assert msg.body == env.to_json_bytes()


async def test_a_transient_failure_recovers_without_the_dlq() -> None:
    calls = 0

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1
        if calls < 2:
            raise ConnectionError("flaky")

    broker, dead = _setup(handle, max_attempts=3)
    async with TestKafkaBroker(broker) as br:
        await br.publish(_event().to_json_bytes(), TOPIC, key=b"d1")
    assert calls == 2
    assert dead == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "malformed"),
        (b'{"id": "x"}', "malformed"),
        (
            _event().to_json_bytes().replace(b"talent.demand.published", b"talent.demand.eaten"),
            "unknown_type",
        ),
        (
            _event().to_json_bytes().replace(b'"seniority":"mid"', b'"seniority":"god"'),
            "invalid_payload",
        ),
    ],
)
async def test_unfixable_messages_go_straight_to_the_dlq(body: bytes, reason: str) -> None:
    calls = 0

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1

    broker, dead = _setup(handle)
    async with TestKafkaBroker(broker) as br:
        await br.publish(body, TOPIC, key=b"d1")
    assert calls == 0
    [msg] = dead
    assert msg.headers["dlq-reason"] == reason
    assert msg.headers["dlq-attempts"] == "0"


async def test_permanent_error_skips_retries() -> None:
    calls = 0

    async def handle(payload: Any, event: Envelope) -> None:
        nonlocal calls
        calls += 1
        raise PermanentError("never")

    broker, dead = _setup(handle, max_attempts=5)
    async with TestKafkaBroker(broker) as br:
        await br.publish(_event().to_json_bytes(), TOPIC, key=b"d1")
    assert calls == 1
    assert dead[0].headers["dlq-reason"] == "permanent"


async def test_known_types_without_a_handler_are_skipped_not_dead_lettered() -> None:
    async def handle(payload: Any, event: Envelope) -> None:
        raise AssertionError("not for this type")

    broker, dead = _setup(handle)
    updated = TalentDemandUpdated(id="d1", owner_org_id="o", title="工程师", seniority="mid")
    env = new_event(updated, subject="d1", version=2, source="talent")
    async with TestKafkaBroker(broker) as br:
        await br.publish(env.to_json_bytes(), TOPIC, key=b"d1")
    assert dead == []


def test_subscribers_never_use_the_at_most_once_default() -> None:
    from faststream import AckPolicy

    broker = KafkaBroker()
    consumer = EventConsumer(broker, service="svc", settings=SETTINGS)

    @consumer.on(TalentDemandPublished)
    async def handle(payload: Any, event: Envelope) -> None: ...

    [sub] = broker.subscribers
    assert sub._outer_config is not None
    # MANUAL: FastStream never commits; the batched committer commits done offsets only.
    assert sub.ack_policy is AckPolicy.MANUAL  # type: ignore[attr-defined]
    assert sub._listener is consumer.committers[TOPIC]  # type: ignore[attr-defined]
    assert consumer.group_for(TOPIC) == "unit.svc.unit.talent.demand"
