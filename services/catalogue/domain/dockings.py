"""Special docking (专项对接): an SOE proposes one of its needs to the supplier of a listed
product (an expression of interest); the supplier accepts a meeting or declines; the SOE
reports the outcome: purchased (with the amount) or not (with a reason). One docking per
(need, product). The first purchase of a first-of-a-kind product becomes the 首购/首台套
demonstration record (:class:`FirstPurchase`, one per product, decided by a unique create)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
)

from services.catalogue.domain.common import Yuan
from shared.errors import InvalidInput
from shared.limits import Code, ShortText
from shared.transitions import Transition, step


class DockingIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    product_id: Code  # type: ignore[valid-type]
    message: ShortText = ""  # type: ignore[valid-type]


class AcceptIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    meeting_at: AwareDatetime


class OutcomeIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    purchased: StrictBool
    amount_cny: Yuan | None = Field(
        None, description="required when purchased", validate_default=True
    )
    reason: ShortText = Field("", validate_default=True)  # type: ignore[valid-type]

    @field_validator("amount_cny")
    @classmethod
    def _amount(cls, value: int | None, info: ValidationInfo) -> int | None:
        if info.data.get("purchased") and not value:
            raise ValueError("采购成交须填写金额 / amount_cny is required when purchased")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("purchased") is False and not value:
            raise ValueError("未采购须说明原因 / reason is required when not purchased")
        return value


class DockingState(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    purchased = "purchased"
    closed = "closed"


S = DockingState
TABLE = {
    (S.proposed, "accept"): (S.accepted, "accepted"),
    (S.proposed, "decline"): (S.declined, "declined"),
    (S.proposed, "close"): (S.closed, "closed"),
    (S.accepted, "purchase"): (S.purchased, "purchased"),
    (S.accepted, "close"): (S.closed, "closed"),
}


class Docking(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    need_id: str
    need_title: str
    product_id: str
    product_title: str
    first_of_kind: bool
    soe_org_id: str
    supplier_org_id: str
    message: str = ""
    state: DockingState = DockingState.proposed
    meeting_at: dt.datetime | None = None
    amount_cny: int | None = None
    reason: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


class FirstPurchase(BaseModel):
    """The 首购/首台套 demonstration-application record of a first-of-a-kind product."""

    model_config = ConfigDict(frozen=True)

    id: str
    product_id: str
    product_title: str
    supplier_org_id: str
    buyer_org_id: str
    need_id: str
    docking_id: str
    amount_cny: int
    purchased_at: dt.datetime
    version: int = 0


def docking_id(need_id: str, product_id: str) -> str:
    return f"{need_id}:{product_id}"


def first_purchase_id(product_id: str) -> str:
    return f"first:{product_id}"


def propose(d: Docking) -> Transition[Docking]:
    return Transition[Docking](entity=d, events=("proposed",))


def move(d: Docking, action: str, now: dt.datetime, **update: object) -> Transition[Docking]:
    state, event = step(TABLE, d.state, action, "docking")
    entity = d.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Docking](entity=entity, events=(event or "",))


def accept(d: Docking, body: AcceptIn, now: dt.datetime) -> Transition[Docking]:
    if body.meeting_at <= now:
        raise InvalidInput(
            "meeting_at",
            "meeting_in_past",
            zh="会面时间必须晚于当前时间",
            en="meeting_at must lie in the future",
        )
    return move(d, "accept", now, meeting_at=body.meeting_at)


def outcome(d: Docking, body: OutcomeIn, now: dt.datetime) -> Transition[Docking]:
    if body.purchased:
        return move(d, "purchase", now, amount_cny=body.amount_cny, reason="")
    return move(d, "close", now, reason=body.reason)


def first_purchase(d: Docking) -> FirstPurchase | None:
    """The demonstration record a purchase makes, if the product is first-of-a-kind."""
    if d.state is not DockingState.purchased or not d.first_of_kind:
        return None
    return FirstPurchase(
        id=first_purchase_id(d.product_id),
        product_id=d.product_id,
        product_title=d.product_title,
        supplier_org_id=d.supplier_org_id,
        buyer_org_id=d.soe_org_id,
        need_id=d.need_id,
        docking_id=d.id,
        amount_cny=d.amount_cny or 0,
        purchased_at=d.updated_at,
    )
