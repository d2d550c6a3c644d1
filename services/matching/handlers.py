"""Event subscribers: the ten market record topics -> :func:`apply_change`.

One subscriber (one consumer group) reads every record topic, so one record's events
stay in order (one topic per kind, keyed by record id). The effect is idempotent
(versioned projection, deterministic pair ids, suggestions decided against stored
state), so redelivery after a crash is harmless; offsets are committed only after
the effect (see ``shared.consuming``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from services.matching.sources import KIND_TOPICS
from services.matching.translate import record_change_from
from services.matching.usecases import Deps
from services.matching.usecases.projection import ChangeApplied, apply_change
from shared.events import Envelope, topic_name
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


def group_id(settings: Settings, group: str) -> str:
    return f"{settings.group_prefix}-{group}"


def subscribe(broker: object, settings: Settings, group: str, get_deps: Callable[[], Deps]) -> None:
    """Attach the record subscriber to ``broker`` through the shared safe-subscriber helper."""
    from shared.consuming import safe_subscriber  # the backbone's retry/DLQ/commit policy

    @safe_subscriber(broker, *record_topics(settings), group_id=group_id(settings, group))
    async def handle_record_event(envelope: Envelope) -> None:
        await on_record_event(envelope, get_deps())
