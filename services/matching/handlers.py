"""Event subscribers: the ten market record topics -> :func:`apply_change`.

One subscriber (one consumer group) reads every record topic, so one record's events
stay in order (one topic per kind, keyed by record id). The effect is idempotent
(versioned projection, deterministic pair ids, suggestions decided against stored
state), so redelivery after a crash is harmless; offsets are committed only after
the effect, failures are retried then parked on ``<topic>.dlq`` (``shared.consuming``).
No inbox: the effect is idempotent by construction, and an inbox write per event
would cost latency on the path that must finish within a second.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from faststream.kafka import KafkaBroker
from pydantic import BaseModel

from services.matching.sources import ALIASES, KIND_TOPICS, VERBS
from services.matching.translate import record_change_from
from services.matching.usecases import Deps
from services.matching.usecases.projection import ChangeApplied, apply_change
from shared.consuming import EventConsumer
from shared.events import Envelope, registry, topic_name
from shared.events.contracts import load_all
from shared.settings import Settings

log = logging.getLogger(__name__)


def record_topics(settings: Settings) -> list[str]:
    return sorted(topic_name(topic, settings) for topic in KIND_TOPICS.values())


async def on_record_event(envelope: Envelope, deps: Deps) -> ChangeApplied | None:
    """Translate at the edge, then apply; event types matching does not use are skipped."""
    consumed = time.perf_counter()
    change = record_change_from(envelope)
    if change is None:
        return None
    applied = await apply_change(deps, change)
    deps.last_latency = time.perf_counter() - consumed
    return applied


def record_models() -> list[type[BaseModel]]:
    """Every published / updated / withdrawn (and closed, where a market has it) contract
    of the ten record kinds."""
    load_all()
    types = [f"{topic}.{verb}" for topic in KIND_TOPICS.values() for verb in VERBS + tuple(ALIASES)]
    known = set(registry.types())
    return [registry.model_for(t) for t in types if t in known]


def subscribe(
    broker: KafkaBroker,
    settings: Settings,
    get_deps: Callable[[], Deps],
    *,
    concurrency: int = 1,
) -> EventConsumer:
    """One safe subscriber per record topic (retries, DLQ, commit after the effect).
    With ``concurrency`` > 1, events of different records are handled at once (each
    record's in order): a record's time is mostly waits on OpenSearch and the database,
    and the per-demand locks and stored ranking state already cover concurrent writers."""
    consumer = EventConsumer(broker, service="matching", settings=settings, concurrency=concurrency)

    @consumer.on(*record_models())
    async def project_and_match(_payload: BaseModel, envelope: Envelope) -> None:
        await on_record_event(envelope, get_deps())

    return consumer
