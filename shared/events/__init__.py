"""Event contracts and envelope: what services say to each other over Kafka.

Public API: :class:`Envelope`, :func:`new_event`, :func:`event_type` (registration
decorator), :data:`registry` and its lookups :func:`model_for`, :func:`topic_for`.
Contracts live in :mod:`shared.events.contracts`, one module per producing service.
"""

from shared.events.envelope import Envelope, new_event
from shared.events.registry import (
    EventRegistry,
    Registration,
    UnknownEventType,
    dlq_topic,
    event_type,
    model_for,
    registry,
    topic_for,
    topic_name,
)

__all__ = [
    "Envelope",
    "EventRegistry",
    "Registration",
    "UnknownEventType",
    "dlq_topic",
    "event_type",
    "model_for",
    "new_event",
    "registry",
    "topic_for",
    "topic_name",
]
