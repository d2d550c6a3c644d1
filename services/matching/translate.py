"""The edge: a market's event envelope (object or JSON dict) -> :class:`RecordChange`.

Handlers and the reindex command both read events through here, so what the live
consumer and a rebuild make of one event is the same by construction.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.matching.domain.records import RecordChange, snapshot_from_data
from services.matching.sources import parse_type


def record_change_from(envelope: BaseModel | dict[str, Any]) -> RecordChange | None:
    """The record change an envelope carries, or None for an event type matching ignores."""
    env = envelope.model_dump() if isinstance(envelope, BaseModel) else envelope
    parsed = parse_type(str(env.get("type", "")))
    if parsed is None:
        return None
    kind, verb = parsed
    data = env.get("data") or {}
    record = snapshot_from_data(data, kind=kind, subject=env.get("subject"))
    version = env.get("version")
    if version is None:
        version = data.get("version", 0)
    return RecordChange(
        event_id=str(env.get("id", "")),
        verb=verb,
        version=int(version),
        record=record,
        occurred_at=env.get("time"),
    )
