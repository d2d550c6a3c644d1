"""Envelope and registry: ids, types, topics, trace context."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from shared.events import Envelope, EventRegistry, new_event, registry, topic_for
from shared.events.contracts.talent import TalentDemandPublished
from shared.observability import bound_correlation_id, setup_tracing, tracer
from shared.settings import Settings

pytestmark = pytest.mark.unit


def _demand() -> TalentDemandPublished:
    return TalentDemandPublished(id="d1", owner_org_id="o1", title="区块链工程师", seniority="mid")


def test_new_event_takes_type_and_stamps_context() -> None:
    setup_tracing("test")
    with bound_correlation_id("cid-1"), tracer().start_as_current_span("req") as span:
        env = new_event(_demand(), subject="d1", version=3, source="talent")
    assert env.type == "talent.demand.published"
    assert env.source == "/duijie/talent"
    assert env.correlationid == "cid-1"
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert env.traceparent is not None and trace_id in env.traceparent
    assert env.schema_version == 1
    again = Envelope.from_json_bytes(env.to_json_bytes())
    assert again == env
    assert again.payload() == _demand()


def test_each_event_gets_a_fresh_id_and_a_correlation_id() -> None:
    a = new_event(_demand(), subject="d1", version=1, source="talent")
    b = new_event(_demand(), subject="d1", version=2, source="talent")
    assert a.id != b.id
    assert a.correlationid and b.correlationid


def test_topics_are_per_aggregate_kind_and_prefixed_from_settings() -> None:
    assert topic_for("talent.demand.published", Settings(topic_prefix="x.")) == "x.talent.demand"
    assert registry.topic_for("talent.demand.withdrawn", Settings()) == "talent.demand"


def test_kafka_headers_mirror_the_envelope() -> None:
    env = new_event(_demand(), subject="d1", version=1, source="talent", correlationid="c")
    headers = env.kafka_headers()
    assert headers["ce_type"] == "talent.demand.published"
    assert headers["correlationid"] == "c"
    assert env.kafka_key() == b"d1"


@pytest.mark.parametrize(
    "bad", ["talent.demand", "Talent.demand.published", "talent.demand.publish", "a.b.create"]
)
def test_registration_rejects_bad_type_names(bad: str) -> None:
    class X(BaseModel):
        pass

    with pytest.raises(ValueError):
        EventRegistry().register(bad, X)


def test_one_type_cannot_have_two_models() -> None:
    reg = EventRegistry()

    class A(BaseModel):
        pass

    class B(BaseModel):
        pass

    reg.register("svc.thing.created", A)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("svc.thing.created", B)


def test_unregistered_payload_cannot_be_wrapped() -> None:
    class Loose(BaseModel):
        x: int = 1

    with pytest.raises(LookupError):
        new_event(Loose(), subject="s", version=1, source="x")
