"""Investor seats at a roadshow: booked, waitlisted (FIFO), promoted, cancelled up to the
cut-off, then attended or forfeited (a no-show). The seat itself is a counted unit on the
shared store; the booking records what happened to whom."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.roadshows.domain.calendar import Roadshow
from shared.errors import ConflictError
from shared.transitions import Transition, step


class SeatState(StrEnum):
    held = "held"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    attended = "attended"
    forfeited = "forfeited"


TABLE = {
    (SeatState.cancelled, "book"): (SeatState.held, "booked"),
    (SeatState.cancelled, "wait"): (SeatState.waitlisted, "waitlisted"),
    (SeatState.held, "cancel"): (SeatState.cancelled, "cancelled"),
    (SeatState.waitlisted, "cancel"): (SeatState.cancelled, "cancelled"),
    (SeatState.waitlisted, "promote"): (SeatState.held, "promoted"),
    (SeatState.held, "attend"): (SeatState.attended, "attended"),
    (SeatState.held, "forfeit"): (SeatState.forfeited, "forfeited"),
}
ACTIVE = {SeatState.held, SeatState.waitlisted, SeatState.attended}


class Booking(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    roadshow_id: str
    investor_org_id: str
    state: SeatState
    seat: int | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


class MyBooking(Booking):
    """The investor's own read: with its place on the FIFO waitlist (1: next in; None
    when it is not waiting)."""

    position: int | None = None


def booking_id(roadshow_id: str, investor_org_id: str) -> str:
    return f"{roadshow_id}:{investor_org_id}"


def book(
    current: Booking | None, rs: Roadshow, investor: str, unit: int | None, now: dt.datetime
) -> Transition[Booking]:
    """A seat (``unit`` held) or a waitlist place (``unit`` None)."""
    action = "book" if unit is not None else "wait"
    seat = None if unit is None else unit + 1
    if current is None:
        state, event = TABLE[(SeatState.cancelled, action)]
        new = Booking(
            id=booking_id(rs.id, investor), roadshow_id=rs.id, investor_org_id=investor,
            state=state, seat=seat, created_at=now, updated_at=now,
        )  # fmt: skip
        return Transition[Booking](entity=new, events=(event or "",))
    return move(current, action, now, seat=seat)


def move(b: Booking, action: str, now: dt.datetime, **update: object) -> Transition[Booking]:
    state, event = step(TABLE, b.state, action, "booking")
    entity = b.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Booking](entity=entity, events=(event or "",))


def ensure_cancellable(rs: Roadshow, now: dt.datetime) -> None:
    if now >= rs.cancel_deadline:
        hours = rs.content.cancel_cutoff_hours
        raise ConflictError(
            "roadshow_id", "cancel_cutoff_passed",
            zh=f"已过取消截止时间（开始前 {hours} 小时），缺席将记为未到场",
            en=f"the cancel cut-off ({hours} h before) has passed; "
            "not coming is recorded as a no-show",
        )  # fmt: skip
