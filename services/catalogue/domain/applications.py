"""Listing applications (新技术新产品(服务)清单 申报): an enterprise drafts and submits; an
operator approves, rejects (reasons per field) or sends back for changes; the enterprise
resubmits. Every round is kept in ``rounds``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.catalogue.domain.common import Band, DomainCode, FieldReason, Parameter
from shared.errors import InvalidInput
from shared.limits import Keyword, ShortText, Text, Title
from shared.transitions import Transition, step


class ProductSpec(BaseModel):
    """What an application lists: the entry as it would appear in the catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    category: Literal["product", "service"] = "product"
    domains: list[DomainCode] = Field(min_length=1, max_length=5)
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)  # type: ignore[valid-type]
    parameters: list[Parameter] = Field(default_factory=list, max_length=30)
    certifications: list[ShortText] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    price_band: Band | None = None
    district: ShortText | None = None  # type: ignore[valid-type]
    first_of_kind: bool = False
    demonstration_evidence: Text = Field("", validate_default=True)  # type: ignore[valid-type]

    @field_validator("demonstration_evidence")
    @classmethod
    def _evidence(cls, value: str, info: ValidationInfo) -> str:
        # 首台(套) status rests on demonstration-application evidence; without it the
        # later support has nothing to check.
        if info.data.get("first_of_kind") and not value:
            raise ValueError(
                "首台(套)须提供示范应用证明 / first_of_kind needs demonstration_evidence"
            )
        return value


class ApplicationState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    rejected = "rejected"


S = ApplicationState
TABLE = {
    (S.draft, "edit"): (S.draft, "drafted"),
    (S.returned, "edit"): (S.returned, "drafted"),
    (S.draft, "submit"): (S.submitted, "submitted"),
    (S.returned, "submit"): (S.submitted, "submitted"),
    (S.submitted, "approve"): (S.approved, "approved"),
    (S.submitted, "reject"): (S.rejected, "rejected"),
    (S.submitted, "return"): (S.returned, "returned"),
}
DECISIONS = ("approve", "reject", "return")


class Round(BaseModel):
    """One submission and what the review made of it."""

    model_config = ConfigDict(frozen=True)

    n: int
    submitted_at: dt.datetime
    spec: ProductSpec
    decision: str | None = None
    reasons: tuple[FieldReason, ...] = ()
    reviewed_at: dt.datetime | None = None


class Application(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    product_id: str
    spec: ProductSpec
    state: ApplicationState = ApplicationState.draft
    rounds: tuple[Round, ...] = ()
    edition_id: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def draft(
    app_id: str, owner: str, product_id: str, spec: ProductSpec, now: dt.datetime
) -> Transition[Application]:
    a = Application(
        id=app_id,
        owner_org_id=owner,
        product_id=product_id,
        spec=spec,
        created_at=now,
        updated_at=now,
    )
    return Transition[Application](entity=a, events=("drafted",))


def edit(a: Application, spec: ProductSpec, now: dt.datetime) -> Transition[Application]:
    state, event = step(TABLE, a.state, "edit", "application")
    return _moved(a, state, event, spec=spec, updated_at=now)


def submit(a: Application, now: dt.datetime) -> Transition[Application]:
    state, event = step(TABLE, a.state, "submit", "application")
    rounds = (*a.rounds, Round(n=len(a.rounds) + 1, submitted_at=now, spec=a.spec))
    return _moved(a, state, event, rounds=rounds, updated_at=now)


def review(
    a: Application, decision: str, reasons: list[FieldReason], now: dt.datetime
) -> Transition[Application]:
    if decision not in DECISIONS:
        raise InvalidInput(
            "decision",
            "unknown_decision",
            zh="审核结论须为 approve/reject/return",
            en="decision must be approve, reject or return",
        )
    if decision != "approve" and not reasons:
        raise InvalidInput(
            "reasons",
            "reasons_required",
            zh="驳回或退回须逐项说明原因",
            en="a rejection or send-back needs reasons per field",
        )
    state, event = step(TABLE, a.state, decision, "application")
    last = a.rounds[-1].model_copy(
        update={"decision": decision, "reasons": tuple(reasons), "reviewed_at": now}
    )
    return _moved(a, state, event, rounds=(*a.rounds[:-1], last), updated_at=now)


def mark_in_edition(a: Application, edition_id: str | None) -> Application:
    return a.model_copy(update={"edition_id": edition_id})


def _moved(
    a: Application, state: ApplicationState, event: str | None, **update: object
) -> Transition[Application]:
    entity = a.model_copy(update={"state": state, **update})
    return Transition[Application](entity=entity, events=(event,) if event else ())
