"""Launch events on the first-release platform (首发平台): release, roadshow and docking
events (发布/路演/对接) with a capacity, a theme domain and presenting products from the
edition in force. Seats are counted units; those who find it full wait first come first
served and are promoted when a seat frees. Check-in marks attendance; when the event is
held, each attendee becomes a lead for each presenting enterprise."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from services.catalogue.domain.common import DomainCode
from shared.errors import ConflictError, InvalidInput
from shared.limits import Code, Moment, ShortText, Text, Title
from shared.transitions import Transition, step


class LaunchIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    format: Literal["release", "roadshow", "docking"] = "release"
    domain: DomainCode
    venue: ShortText  # type: ignore[valid-type]
    starts_at: Moment  # type: ignore[valid-type]
    ends_at: Moment  # type: ignore[valid-type]
    capacity: StrictInt = Field(ge=1, le=10_000)
    product_ids: list[Code] = Field(min_length=1, max_length=30)  # type: ignore[valid-type]

    @field_validator("ends_at")
    @classmethod
    def _order(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        start = info.data.get("starts_at")
        if start is not None and value <= start:
            raise ValueError("结束时间须晚于开始时间 / ends_at must be after starts_at")
        return value

    @field_validator("product_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("展示产品不能重复 / product_ids must be distinct")
        return value


class LaunchState(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"
    held = "held"


LAUNCH_TABLE = {
    (LaunchState.scheduled, "cancel"): (LaunchState.cancelled, "cancelled"),
    (LaunchState.scheduled, "hold"): (LaunchState.held, "held"),
}


class Launch(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    organiser_org_id: str
    spec: LaunchIn
    presenters: dict[str, str]  # product id -> presenting enterprise
    edition_id: str | None
    state: LaunchState = LaunchState.scheduled
    created_at: dt.datetime
    version: int = 0


def schedule(
    launch_id: str,
    organiser: str,
    spec: LaunchIn,
    presenters: dict[str, str],
    edition_id: str | None,
    now: dt.datetime,
) -> Transition[Launch]:
    if spec.starts_at <= now:
        raise InvalidInput(
            "starts_at",
            "starts_in_past",
            zh="开始时间必须晚于当前时间",
            en="starts_at must lie in the future",
        )
    e = Launch(
        id=launch_id,
        organiser_org_id=organiser,
        spec=spec,
        presenters=presenters,
        edition_id=edition_id,
        created_at=now,
    )
    return Transition[Launch](entity=e, events=("scheduled",))


def cancel_launch(e: Launch) -> Transition[Launch]:
    state, event = step(LAUNCH_TABLE, e.state, "cancel", "launch")
    return Transition[Launch](entity=e.model_copy(update={"state": state}), events=(event or "",))


def hold(e: Launch, now: dt.datetime) -> Transition[Launch]:
    if now < e.spec.starts_at:
        raise ConflictError(
            "event_id",
            "not_started",
            zh="活动尚未开始，不能结束",
            en="the event has not started yet",
        )
    state, event = step(LAUNCH_TABLE, e.state, "hold", "launch")
    return Transition[Launch](entity=e.model_copy(update={"state": state}), events=(event or "",))


def ensure_open(e: Launch, now: dt.datetime) -> None:
    if e.state is not LaunchState.scheduled or now >= e.spec.starts_at:
        raise ConflictError(
            "event_id",
            "registration_closed",
            zh="活动已开始、已取消或已结束，报名已截止",
            en="registration is closed (started, cancelled or held)",
        )


class SeatState(StrEnum):
    registered = "registered"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    attended = "attended"


R = SeatState
SEAT_TABLE = {
    (R.cancelled, "book"): (R.registered, "registered"),
    (R.cancelled, "wait"): (R.waitlisted, "waitlisted"),
    (R.registered, "cancel"): (R.cancelled, "cancelled"),
    (R.waitlisted, "cancel"): (R.cancelled, "cancelled"),
    (R.waitlisted, "promote"): (R.registered, "promoted"),
    (R.registered, "attend"): (R.attended, "attended"),
}
ACTIVE = {R.registered, R.waitlisted, R.attended}


class Registration(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    event_id: str
    org_id: str
    org_type: str
    state: SeatState
    seat: int | None = None
    reason: str = ""  # set when the operator's cancellation of the event ended it
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


class MyRegistration(Registration):
    """The registrant's own read: with its place on the FIFO waitlist (1: next in;
    None when it is not waiting)."""

    position: int | None = None


def registration_id(event_id: str, org_id: str) -> str:
    return f"{event_id}:{org_id}"


def register(
    current: Registration | None,
    event_id: str,
    org_id: str,
    org_type: str,
    unit: int | None,
    now: dt.datetime,
) -> Transition[Registration]:
    """A seat (``unit`` held) or a waitlist place (``unit`` None)."""
    action = "book" if unit is not None else "wait"
    seat = None if unit is None else unit + 1
    if current is None:
        state, event = SEAT_TABLE[(R.cancelled, action)]
        new = Registration(
            id=registration_id(event_id, org_id),
            event_id=event_id,
            org_id=org_id,
            org_type=org_type,
            state=state,
            seat=seat,
            created_at=now,
            updated_at=now,
        )
        return Transition[Registration](entity=new, events=(event or "",))
    return move(current, action, now, seat=seat, reason="")


def move(
    r: Registration, action: str, now: dt.datetime, **update: object
) -> Transition[Registration]:
    state, event = step(SEAT_TABLE, r.state, action, "registration")
    entity = r.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Registration](entity=entity, events=(event or "",))


class Lead(BaseModel):
    """An attendee of a held event, for one presenting enterprise's product."""

    model_config = ConfigDict(frozen=True)

    id: str
    event_id: str
    event_title: str
    presenter_org_id: str
    product_id: str
    buyer_org_id: str
    buyer_org_type: str
    created_at: dt.datetime
    version: int = 0


def leads(e: Launch, attendees: list[Registration], now: dt.datetime) -> list[Lead]:
    return [
        Lead(
            id=f"{e.id}:{r.org_id}:{pid}",
            event_id=e.id,
            event_title=e.spec.title,
            presenter_org_id=owner,
            product_id=pid,
            buyer_org_id=r.org_id,
            buyer_org_type=r.org_type,
            created_at=now,
        )
        for r in attendees
        if r.state is SeatState.attended
        for pid, owner in e.presenters.items()
        if owner != r.org_id  # a presenter attending its own event is no lead
    ]
