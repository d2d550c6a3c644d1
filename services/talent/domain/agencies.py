"""Headhunter agencies on the operator's list: registered -> verified <-> suspended.

Only a verified agency sees the demand list and may claim. Verification publishes its
profile (``talent.agency.published``) for matching; suspension withdraws it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from services.talent.domain.demands import DomainCode
from services.talent.domain.text import Name, ShortText, Text
from shared.errors import ForbiddenError
from shared.events.contracts._market import Seniority
from shared.limits import Code, Keywords
from shared.transitions import Transition, step


class AgencyState(StrEnum):
    registered = "registered"
    verified = "verified"
    suspended = "suspended"


TABLE = {
    (AgencyState.registered, "verify"): (AgencyState.verified, "published"),
    (AgencyState.suspended, "reinstate"): (AgencyState.verified, "published"),
    (AgencyState.verified, "suspend"): (AgencyState.suspended, "withdrawn"),
    (AgencyState.registered, "suspend"): (AgencyState.suspended, None),
    (AgencyState.registered, "edit"): (AgencyState.registered, None),
    (AgencyState.verified, "edit"): (AgencyState.verified, "updated"),
    (AgencyState.suspended, "edit"): (AgencyState.suspended, None),
}


DocumentKind = Literal["business_licence", "hr_service_licence", "other"]


class Qualification(BaseModel):
    """A qualification document: its kind, number and issuer (the operator checks it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DocumentKind
    number: Code
    issued_by: ShortText = ""


class AgencyProfileIn(BaseModel):
    """What an agency says about itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name
    description: Text = ""
    specialisms: list[DomainCode] = Field(min_length=1, max_length=14)
    seniority_range: list[Seniority] = Field(min_length=1, max_length=4)
    placements_last_year: StrictInt = Field(0, ge=0, le=1_000_000)
    keywords: Keywords = Field(default_factory=list)
    district: ShortText | None = None
    qualifications: list[Qualification] = Field(min_length=1, max_length=10)

    @field_validator("specialisms", "seniority_range", "keywords")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Document(BaseModel):
    """A qualification document's file (the bytes are in the service's file store)."""

    model_config = ConfigDict(frozen=True)

    kind: DocumentKind
    file_id: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class Agency(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(description="the headhunter organisation's id")
    profile: AgencyProfileIn
    documents: list[Document] = Field(default_factory=list, description="one per kind")
    state: AgencyState = AgencyState.registered
    reason: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def register(org_id: str, profile: AgencyProfileIn, now: dt.datetime) -> Transition[Agency]:
    agency = Agency(id=org_id, profile=profile, created_at=now, updated_at=now)
    return Transition[Agency](entity=agency, events=("registered",))


def _apply(agency: Agency, action: str, now: dt.datetime, **changes: object) -> Transition[Agency]:
    state, event = step(TABLE, agency.state, action, "agency")
    updated = agency.model_copy(update={"state": state, "updated_at": now, **changes})
    return Transition[Agency](entity=updated, events=(event,) if event else ())


def verify(agency: Agency, now: dt.datetime) -> Transition[Agency]:
    action = "reinstate" if agency.state is AgencyState.suspended else "verify"
    return _apply(agency, action, now, reason="")


def suspend(agency: Agency, reason: str, now: dt.datetime) -> Transition[Agency]:
    return _apply(agency, "suspend", now, reason=reason)


def edit(agency: Agency, profile: AgencyProfileIn, now: dt.datetime) -> Transition[Agency]:
    if profile == agency.profile:
        return Transition[Agency](entity=agency)
    return _apply(agency, "edit", now, profile=profile)


def ensure_verified(agency: Agency | None) -> Agency:
    """Only verified agencies see the list and claim."""
    if agency is None or agency.state is not AgencyState.verified:
        raise ForbiddenError(
            "agency",
            "agency_not_verified",
            zh="猎头机构尚未通过认证或已被暂停",
            en="your agency is not verified (or is suspended)",
        )
    return agency


def attach_document(agency: Agency, document: Document) -> Transition[Agency]:
    """The document of its kind (replacing an older one); the operator reviews it."""
    kept = [d for d in agency.documents if d.kind != document.kind]
    updated = agency.model_copy(
        update={"documents": [*kept, document], "updated_at": document.uploaded_at}
    )
    return Transition[Agency](entity=updated, events=("document_uploaded",))
