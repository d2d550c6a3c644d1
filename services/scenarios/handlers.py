"""Event handlers: matching's suggestions of a scenario to a capability's owner become
pushes; identity's tier changes feed the tier read model the hard requirements are
checked against (``shared.consuming``: retries, a DLQ for poison, commit after the
effect)."""

from __future__ import annotations

from collections.abc import Callable

from faststream.kafka import KafkaBroker

from services.scenarios.usecases import Deps, projections, pushes
from shared.consuming import EventConsumer
from shared.events import Envelope
from shared.events.contracts.identity import ENTERPRISE_TOPIC, EnterpriseTierChanged
from shared.events.contracts.matching import MATCH_TOPIC, MatchSuggested
from shared.settings import Settings

CONSUMED_TOPICS = [MATCH_TOPIC, ENTERPRISE_TOPIC]


def subscribe(
    broker: KafkaBroker, settings: Settings, get_deps: Callable[[], Deps]
) -> EventConsumer:
    consumer = EventConsumer(broker, service="scenarios", settings=settings)

    @consumer.on(MatchSuggested)
    async def match_suggested(payload: MatchSuggested, _event: Envelope) -> None:
        await pushes.on_match(get_deps(), payload)

    @consumer.on(EnterpriseTierChanged)
    async def tier_changed(payload: EnterpriseTierChanged, _event: Envelope) -> None:
        await projections.on_tier_changed(get_deps(), payload)

    return consumer
