"""The edge: a market's event envelope (object or JSON dict) -> :class:`RecordChange`.

Handlers and the reindex command both read events through here, so what the live
consumer and a rebuild make of one event is the same by construction. A published /
updated payload is the market's record contract (``shared.events.contracts.<market>``);
its ``to_record()`` gives the dataset shape the ranking core was tuned on. A withdrawn
payload carries only ids. Payloads whose type has no registered contract are read in
the dataset shape directly (flat, or under ``record``).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel

from services.matching.domain.records import RecordChange, snapshot_from_data
from services.matching.sources import parse_type

log = logging.getLogger(__name__)


def _contract(event_type: str) -> type[BaseModel] | None:
    try:
        from shared.events import UnknownEventType, model_for
    except ImportError:  # pragma: no cover - contracts not importable
        return None
    try:
        return model_for(event_type)
    except UnknownEventType:
        return None


def _record_data(event_type: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    """The event's data in the dataset shape (+ owner_org_id, status)."""
    model = _contract(event_type)
    if model is None or verb == "withdrawn" or not hasattr(model, "to_record"):
        return data
    payload = model.model_validate(data)
    return {
        **payload.to_record(),  # type: ignore[attr-defined]
        "owner_org_id": getattr(payload, "owner_org_id", ""),
        "status": getattr(payload, "status", "published"),
    }


def record_change_from(envelope: BaseModel | dict[str, Any]) -> RecordChange | None:
    """The record change an envelope carries, or None for an event type matching ignores."""
    env = envelope.model_dump() if isinstance(envelope, BaseModel) else envelope
    event_type = str(env.get("type", ""))
    parsed = parse_type(event_type)
    if parsed is None:
        return None
    kind, verb = parsed
    data = _record_data(event_type, verb, env.get("data") or {})
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
