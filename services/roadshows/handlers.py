"""Event handlers: identity's tier changes and matching's suggestions into read models
(``shared.consuming``: retries, a DLQ for poison, commit after the effect)."""

from __future__ import annotations

from collections.abc import Callable

from faststream.kafka import KafkaBroker

from services.roadshows.usecases import Deps
from services.roadshows.usecases import projections as p
from shared.consuming import EventConsumer
from shared.events import Envelope
from shared.events.contracts.identity import ENTERPRISE_TOPIC, EnterpriseTierChanged
from shared.events.contracts.matching import MATCH_TOPIC, MatchSuggested
from shared.settings import Settings

CONSUMED_TOPICS = [ENTERPRISE_TOPIC, MATCH_TOPIC]


def subscribe(
    broker: KafkaBroker, settings: Settings, get_deps: Callable[[], Deps]
) -> EventConsumer:
    consumer = EventConsumer(broker, service="roadshows", settings=settings)

    @consumer.on(EnterpriseTierChanged)
    async def tier_changed(payload: EnterpriseTierChanged, _event: Envelope) -> None:
        await p.on_tier_changed(get_deps(), payload)

    @consumer.on(MatchSuggested)
    async def match_suggested(payload: MatchSuggested, _event: Envelope) -> None:
        await p.on_match(get_deps(), payload)

    return consumer
