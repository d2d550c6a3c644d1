"""Event handlers: the edge between Kafka envelopes and the use cases.

One subscriber reads every topic notifications cares about: ``identity.user`` (who the
recipients are) and the topics of the event types in ``domain.rules``. Each envelope is
validated against its registered contract (an invalid payload raises, so the safe
subscriber retries and then dead-letters it), turned into plain values, and handed to a
use case. Effects are idempotent (deterministic ids, versioned upserts), so the offset is
committed only after they are durable and a redelivery changes nothing.
"""

from __future__ import annotations

import logging

from services.notifications.domain.records import Recipient
from services.notifications.domain.rules import RULES, IncomingEvent
from services.notifications.usecases import Deps
from services.notifications.usecases.notify import notify
from services.notifications.usecases.recipients import learn_user
from shared.events import Envelope, UnknownEventType, model_for, topic_name
from shared.events import topic_for as registered_topic
from shared.settings import Settings

log = logging.getLogger(__name__)

USER_TOPIC = "identity.user"
USER_TYPES = frozenset({"identity.user.registered", "identity.user.updated"})


def _validated_data(envelope: Envelope) -> dict:
    """The payload checked against its contract when one is registered, as JSON values."""
    try:
        model = model_for(envelope.type)
    except UnknownEventType:
        # A producing service whose contract has not landed yet: the rule reads the
        # fields it needs tolerantly (see domain.rules).
        return dict(envelope.data)
    return model.model_validate(envelope.data).model_dump(mode="json")


def to_incoming(envelope: Envelope) -> IncomingEvent:
    return IncomingEvent(
        id=envelope.id,
        type=envelope.type,
        subject=envelope.subject,
        time=envelope.time,
        data=_validated_data(envelope),
    )


def to_recipient(envelope: Envelope) -> Recipient:
    data = _validated_data(envelope)
    return Recipient(
        user_id=data["user_id"],
        organisation_id=data["organisation_id"],
        name=data.get("name", ""),
        role=data.get("role", "member"),
        language=data.get("language") or "zh-CN",
        disabled=bool(data.get("disabled", False)),
        version=envelope.version,
    )


async def handle_envelope(deps: Deps, envelope: Envelope) -> None:
    """Dispatch one envelope; types nobody here cares about are skipped."""
    if envelope.type in USER_TYPES:
        await learn_user(deps, to_recipient(envelope))
    elif envelope.type in RULES:
        count = await notify(deps, to_incoming(envelope))
        log.info("%s %s: %d recipient(s)", envelope.type, envelope.id, count)


def _topic(event_type: str, settings: Settings) -> str:
    try:
        return registered_topic(event_type, settings)
    except UnknownEventType:
        return topic_name(".".join(event_type.split(".")[:2]), settings)


def consumed_topics(settings: Settings) -> list[str]:
    """Every (prefixed) topic the subscriber reads."""
    found = {topic_name(USER_TOPIC, settings)}
    found |= {_topic(t, settings) for t in RULES}
    return sorted(found)
