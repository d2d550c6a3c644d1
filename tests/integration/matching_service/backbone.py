"""A stand-in for the backbone's ``shared.events`` / ``shared.outbox`` while they are
being written: installed only when the real modules are missing, with the agreed
interface (``Envelope``, ``event_type``, ``new_event``, ``outbox_push``, ``with_outbox``).
Delete this module once the backbone has landed."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import types
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

import shared


def backbone_present() -> bool:
    try:
        events = importlib.import_module("shared.events")
        importlib.import_module("shared.outbox")
    except ImportError:
        return False
    return hasattr(events, "new_event")


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def install() -> None:
    """Stand in for whichever of ``shared.events`` / ``shared.outbox`` is still missing."""
    if not _importable("shared.outbox"):
        outbox = types.ModuleType("shared.outbox")

        def _dump(envelopes):
            return [e.model_dump(mode="json") for e in envelopes]

        outbox.outbox_push = lambda envelopes: {"$push": {"outbox": {"$each": _dump(envelopes)}}}
        outbox.with_outbox = lambda doc, envelopes: {**doc, "outbox": _dump(envelopes)}
        sys.modules["shared.outbox"] = outbox
        shared.outbox = outbox
    events_module = sys.modules.get("shared.events")
    if events_module is not None and hasattr(events_module, "new_event"):
        return
    if _importable("shared.events") and hasattr(sys.modules["shared.events"], "new_event"):
        return
    registry: dict[str, tuple[type[BaseModel], str]] = {}

    class Envelope(BaseModel):
        id: str = Field(default_factory=lambda: uuid.uuid4().hex)
        source: str
        type: str
        subject: str
        time: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
        datacontenttype: str = "application/json"
        data: dict[str, Any]
        version: int = 1
        correlationid: str | None = None
        traceparent: str | None = None

    def event_type(name: str, *, topic: str):
        def register(cls):
            cls.__event_type__ = name
            cls.__topic__ = topic
            registry[name] = (cls, topic)
            return cls

        return register

    def new_event(payload, *, subject, version, source, correlationid=None, **_: Any):
        return Envelope(
            source=source, type=payload.__event_type__, subject=subject,
            data=payload.model_dump(mode="json"), version=version, correlationid=correlationid,
        )  # fmt: skip

    events = types.ModuleType("shared.events")
    events.__path__ = [str(Path(shared.__file__).parent / "events")]
    events.Envelope, events.event_type, events.new_event = Envelope, event_type, new_event
    events.REGISTRY = registry
    sys.modules["shared.events"] = events
    shared.events = events
