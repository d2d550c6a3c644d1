"""Where each record kind comes from: its topic and event types (one table).

The five markets publish ``<service>.<entity>.published|updated|withdrawn`` on the
topic ``<service>.<entity>``, keyed by record id. Matching consumes all ten.
"""

from __future__ import annotations

from services.matching.ranking.kinds import ALL_KINDS

#: record kind -> topic (= event type without the verb)
KIND_TOPICS: dict[str, str] = {
    "tech_offer": "techtransfer.offer",
    "tech_need": "techtransfer.need",
    "product": "catalogue.product",
    "procurement_need": "catalogue.procurement_need",
    "capability": "scenarios.capability",
    "scenario": "scenarios.scenario",
    "pitch": "roadshows.pitch",
    "investor_mandate": "roadshows.mandate",
    "talent_demand": "talent.demand",
    "agency": "talent.agency",
}
TOPIC_KINDS: dict[str, str] = {topic: kind for kind, topic in KIND_TOPICS.items()}
VERBS = ("published", "updated", "withdrawn")
#: other verbs that take a record off the market, read as a withdrawal (``closed``)
ALIASES: dict[str, str] = {"closed": "withdrawn"}

#: the market each kind belongs to (pair history is kept across markets)
MARKETS: dict[str, str] = {kind: topic.split(".")[0] for kind, topic in KIND_TOPICS.items()}

assert set(KIND_TOPICS) == ALL_KINDS, "every ranked kind needs a topic"


def topic_for(kind: str, prefix: str = "") -> str:
    """The Kafka topic of ``kind``'s events (with the deployment's topic prefix)."""
    return prefix + KIND_TOPICS[kind]


def parse_type(event_type: str) -> tuple[str, str] | None:
    """``techtransfer.need.published`` -> (``tech_need``, ``published``); None if not ours."""
    topic, _, verb = event_type.rpartition(".")
    kind = TOPIC_KINDS.get(topic)
    verb = ALIASES.get(verb, verb)
    if kind is None or verb not in VERBS:
        return None
    return kind, verb
