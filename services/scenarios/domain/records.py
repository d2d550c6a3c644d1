"""Enterprises' capability records (what they can build), which matching pairs with
published scenarios (``scenario -> capability``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.scenarios.domain.common import CodeStr, DomainCode, TrlLevel
from shared.limits import Keywords, ShortText, Text, Title
from shared.transitions import Transition, step


class RecordState(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


TABLE = {
    (RecordState.published, "update"): (RecordState.published, "updated"),
    (RecordState.published, "withdraw"): (RecordState.withdrawn, "withdrawn"),
}


class CapabilityIn(BaseModel):
    """What an enterprise can build: domains, keywords, qualifications held, readiness."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    domains: list[DomainCode] = Field(min_length=1, max_length=10)
    keywords: Keywords = Field(default_factory=list)  # type: ignore[valid-type]
    qualifications: list[CodeStr] = Field(default_factory=list, max_length=20)
    trl: TrlLevel | None = None
    district: ShortText | None = None  # type: ignore[valid-type]


class Capability(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    content: CapabilityIn
    state: RecordState = RecordState.published
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def publish(
    cid: str, owner: str, content: CapabilityIn, now: dt.datetime
) -> Transition[Capability]:
    c = Capability(id=cid, owner_org_id=owner, content=content, created_at=now, updated_at=now)
    return Transition[Capability](entity=c, events=("published",))


def change(
    record: Capability, action: str, now: dt.datetime, content: CapabilityIn | None = None
) -> Transition[Capability]:
    state, event = step(TABLE, record.state, action, "capability")
    update: dict[str, object] = {"state": state, "updated_at": now}
    if content is not None:
        update["content"] = content
    return Transition[Capability](
        entity=record.model_copy(update=update), events=(event,) if event else ()
    )
