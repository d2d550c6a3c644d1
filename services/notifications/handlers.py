"""Event subscribers: the edge between Kafka envelopes and the use cases.

Subscribes, through ``shared.consuming`` (retries, DLQ, commit after the effect), to every
event type that has both a registered contract and a rule here: ``identity.user.*`` (who
the recipients are), ``identity.organisation.*`` (the directory of type, kind and
district that group audiences such as "the government of Haidian" resolve through) and
the person-addressed types in ``domain.rules``. A rule whose
producer has not published its contract yet is simply not subscribed until it has.
Payloads arrive validated; they are turned into plain values and handed to a use case.
No consumer inbox: the effects are idempotent by construction (message and job ids
derived from the event id, versioned recipient upserts), so a redelivery changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from faststream.kafka import KafkaBroker
from pydantic import BaseModel

from services.notifications.domain.groups import DirectoryEntry
from services.notifications.domain.records import Recipient
from services.notifications.domain.rules import RULES, IncomingEvent
from services.notifications.usecases import Deps
from services.notifications.usecases.notify import notify
from services.notifications.usecases.organisations import learn_organisation
from services.notifications.usecases.recipients import learn_user
from shared.consuming import EventConsumer
from shared.events import Envelope, UnknownEventType, registry
from shared.events.contracts import load_all
from shared.settings import Settings

log = logging.getLogger(__name__)

SERVICE = "notifications"
USER_TYPES = ("identity.user.registered", "identity.user.updated")
ORGANISATION_TYPES = ("identity.organisation.registered", "identity.organisation.updated")
# Events of different keys (pairs, users) are handled at once, each key in order: their
# time is waits on the database, and concurrent handlers' inbox inserts share one
# insert_many (usecases/notify.py); one at a time, each waited out its own round trips.
CONCURRENCY = 16


def _registered(types: list[str] | tuple[str, ...]) -> list[type[BaseModel]]:
    load_all()
    models = []
    for type_ in types:
        try:
            models.append(registry.model_for(type_))
        except UnknownEventType:
            log.info("no contract for %s yet: not subscribed", type_)
    return models


def notice_models() -> list[type[BaseModel]]:
    return _registered(sorted(RULES))


def user_models() -> list[type[BaseModel]]:
    return _registered(USER_TYPES)


def organisation_models() -> list[type[BaseModel]]:
    return _registered(ORGANISATION_TYPES)


def consumed_topics(settings: Settings) -> list[str]:
    """Every (prefixed) topic the subscribers read."""
    models = [*user_models(), *organisation_models(), *notice_models()]
    return sorted({registry.topic_for(registry.type_of(m), settings) for m in models})


def to_incoming(payload: BaseModel, envelope: Envelope) -> IncomingEvent:
    return IncomingEvent(
        id=envelope.id,
        type=envelope.type,
        subject=envelope.subject,
        time=envelope.time,
        data=payload.model_dump(mode="json"),
    )


def to_recipient(payload: BaseModel, envelope: Envelope) -> Recipient:
    data = payload.model_dump(mode="json")
    return Recipient(
        user_id=data["user_id"],
        organisation_id=data["organisation_id"],
        name=data.get("name", ""),
        role=data.get("role", "member"),
        language=data.get("language") or "zh-CN",
        disabled=bool(data.get("disabled", False)),
        version=envelope.version,
    )


def to_directory_entry(payload: BaseModel, envelope: Envelope) -> DirectoryEntry:
    data = payload.model_dump(mode="json")
    return DirectoryEntry(
        organisation_id=data["organisation_id"],
        type=data["type"],
        kind=data.get("kind"),
        district=data.get("district"),
        version=envelope.version,
    )


def subscribe(
    broker: KafkaBroker, settings: Settings, get_deps: Callable[[], Deps]
) -> EventConsumer:
    consumer = EventConsumer(broker, service=SERVICE, settings=settings, concurrency=CONCURRENCY)

    @consumer.on(*user_models())
    async def learn_recipient(payload: BaseModel, envelope: Envelope) -> None:
        await learn_user(get_deps(), to_recipient(payload, envelope))

    @consumer.on(*organisation_models())
    async def learn_directory(payload: BaseModel, envelope: Envelope) -> None:
        await learn_organisation(get_deps(), to_directory_entry(payload, envelope))

    @consumer.on(*notice_models())
    async def tell_recipients(payload: BaseModel, envelope: Envelope) -> None:
        count = await notify(get_deps(), to_incoming(payload, envelope))
        log.info("%s %s: %d recipient(s)", envelope.type, envelope.id, count)

    return consumer
