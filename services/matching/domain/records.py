"""A record change as matching sees it: which record, which version, and its content.

Events from the five markets are translated into :class:`RecordChange` at the edge
(``handlers.py``); nothing inward sees an envelope. The projection keeps a withdrawn
record as a *tombstone* (status ``withdrawn``, no text, same version line) rather than
deleting it: OpenSearch forgets the version of a deleted document after
``index.gc_deletes`` (60 s), so a replayed ``published`` event older than the
withdrawal would bring a deleted record back; a tombstone keeps its version forever,
and every query filters on ``status = published``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.matching.ranking.projection import PUBLISHED

WITHDRAWN = "withdrawn"


class Verb(StrEnum):
    published = "published"
    updated = "updated"
    withdrawn = "withdrawn"


class RecordSnapshot(BaseModel):
    """The dataset shape every market's ``to_record()`` gives, plus owner and status."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    kind: str
    title: str = ""
    description: str = ""
    domains: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    owner_org_id: str = ""
    status: str = PUBLISHED

    def as_record(self) -> dict[str, Any]:
        return self.model_dump()


class RecordChange(BaseModel):
    """One published / updated / withdrawn event of one record, at one version."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    verb: Verb
    version: int = Field(ge=0)
    record: RecordSnapshot
    occurred_at: dt.datetime | None = None

    @property
    def is_withdrawal(self) -> bool:
        return self.verb is Verb.withdrawn or self.record.status != PUBLISHED


def snapshot_from_data(data: dict[str, Any], *, kind: str, subject: str | None) -> RecordSnapshot:
    """Read a record from an event's ``data``: the record itself, or under ``record``.

    A withdrawal may carry only ids; the kind comes from the event type and the id
    from the data or the envelope subject.
    """
    body = data.get("record") if isinstance(data.get("record"), dict) else data
    fields = dict(body)
    fields.setdefault("owner_org_id", data.get("owner_org_id") or fields.get("org_id") or "")
    fields["kind"] = kind
    fields.setdefault("id", data.get("id") or subject or "")
    return RecordSnapshot.model_validate(fields)


def tombstone(record: RecordSnapshot) -> dict[str, Any]:
    """What the index keeps of a withdrawn record: ids and status, no searchable text."""
    return {
        "id": record.id,
        "kind": record.kind,
        "status": WITHDRAWN,
        "owner_org_id": record.owner_org_id,
    }
