"""The event registry: which pydantic model and which topic belong to each event type.

Every event contract registers itself with :func:`event_type`, so producers look up the
type of a payload and consumers look up the model of a type in one place. Topic names
are base names here (``techtransfer.need``); the deployment prefix from settings is
applied by :meth:`EventRegistry.topic_for` so tests and tenants can share a broker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from shared.settings import Settings

M = TypeVar("M", bound=type[BaseModel])

# <service>.<entity>.<verb>, all lower case; entity may contain underscores.
_TYPE_RE = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# A lint, not grammar: regular "-ed" plus the endings of common irregular participles
# (withdrawn, chosen, sent, held, paid, won, lost, made, put, set, hung).
_PAST_TENSE = (
    "ed",
    "wn",
    "en",
    "ne",
    "nt",
    "ld",
    "id",
    "on",
    "st",
    "de",
    "ut",
    "et",
    "ung",
    "ought",
)


class UnknownEventType(LookupError):
    """Raised for a type nobody registered (consumers send such messages to the DLQ)."""


@dataclass(frozen=True)
class Registration:
    """What the registry knows about one event type."""

    type: str
    model: type[BaseModel]
    topic: str
    schema_version: int


class EventRegistry:
    """Maps event type → model and topic, and model → type."""

    def __init__(self) -> None:
        self._by_type: dict[str, Registration] = {}
        self._by_model: dict[type[BaseModel], Registration] = {}

    def register(
        self,
        type_: str,
        model: type[BaseModel],
        *,
        topic: str | None = None,
        schema_version: int = 1,
    ) -> Registration:
        if not _TYPE_RE.match(type_):
            raise ValueError(f"event type {type_!r} is not <service>.<entity>.<verb>")
        verb = type_.rsplit(".", 1)[1]
        if not verb.endswith(_PAST_TENSE):
            raise ValueError(f"event type {type_!r}: the verb should be in the past tense")
        existing = self._by_type.get(type_)
        if existing is not None and existing.model is not model:
            # Same type from two models means two services disagree on a contract.
            raise ValueError(f"event type {type_!r} already registered by {existing.model}")
        reg = Registration(
            type=type_,
            model=model,
            topic=topic or type_.rsplit(".", 1)[0],
            schema_version=schema_version,
        )
        self._by_type[type_] = reg
        self._by_model[model] = reg
        return reg

    def registration(self, type_: str) -> Registration:
        try:
            return self._by_type[type_]
        except KeyError:
            raise UnknownEventType(type_) from None

    def model_for(self, type_: str) -> type[BaseModel]:
        return self.registration(type_).model

    def topic_for(self, type_: str, settings: Settings | None = None) -> str:
        """The full topic name for an event type, with the settings' topic prefix."""
        return topic_name(self.registration(type_).topic, settings)

    def type_of(self, model: type[BaseModel] | BaseModel) -> str:
        cls = model if isinstance(model, type) else type(model)
        reg = self._by_model.get(cls)
        if reg is None:
            raise UnknownEventType(f"{cls.__name__} is not a registered event model")
        return reg.type

    def registration_of(self, model: type[BaseModel] | BaseModel) -> Registration:
        return self.registration(self.type_of(model))

    def types(self) -> list[str]:
        return sorted(self._by_type)

    def types_on(self, base_topic: str) -> list[str]:
        return sorted(t for t, r in self._by_type.items() if r.topic == base_topic)

    def topics(self, types: Iterable[str] | None = None) -> list[str]:
        """Base topic names (no prefix), for all or the given types."""
        wanted = self._by_type if types is None else {t: self._by_type[t] for t in types}
        return sorted({r.topic for r in wanted.values()})


def topic_name(base: str, settings: Settings | None = None) -> str:
    """Apply the deployment's topic prefix to a base topic name."""
    if settings is None:
        from shared.settings import get_settings

        settings = get_settings()
    return f"{settings.topic_prefix}{base}"


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a (full) topic name."""
    return f"{topic}.dlq"


registry = EventRegistry()


def event_type(
    type_: str,
    *,
    topic: str | None = None,
    schema_version: int = 1,
    reg: EventRegistry | None = None,
) -> Callable[[M], M]:
    """Class decorator that registers a pydantic model as the contract of an event type.

    ``topic`` defaults to the type without its verb (one topic per aggregate kind).
    ``schema_version`` goes up when fields are added; a newer model must still parse
    every older payload (new fields get defaults, nothing is renamed or removed).
    """

    def decorate(model: M) -> M:
        (reg or registry).register(type_, model, topic=topic, schema_version=schema_version)
        model.__event_type__ = type_  # type: ignore[attr-defined]
        return model

    return decorate


def model_for(type_: str) -> type[BaseModel]:
    """The contract model of a type, after loading every contract module."""
    _load_contracts()
    return registry.model_for(type_)


def topic_for(type_: str, settings: Settings | None = None) -> str:
    """The full (prefixed) topic of a type, after loading every contract module."""
    _load_contracts()
    return registry.topic_for(type_, settings)


def _load_contracts() -> None:
    from shared.events import contracts

    contracts.load_all()
