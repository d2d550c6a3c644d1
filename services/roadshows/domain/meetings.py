"""1:1 meetings after the pitches: an investor with a seat asks a presenter; the
enterprise accepts or declines; the operator builds a conflict-free schedule for the
day with the shared scheduler (``shared.scheduling``, the same as brokerage sessions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.roadshows.domain.applications import Application, ApplicationState
from services.roadshows.domain.calendar import Roadshow, RoadshowState
from services.roadshows.domain.seats import Booking, SeatState
from shared.errors import ConflictError
from shared.scheduling import ScheduleResult, schedule
from shared.transitions import Transition, step


class MeetingState(StrEnum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"
    scheduled = "scheduled"


TABLE = {
    (MeetingState.requested, "accept"): (MeetingState.accepted, "accepted"),
    (MeetingState.requested, "decline"): (MeetingState.declined, "declined"),
    (MeetingState.accepted, "place"): (MeetingState.scheduled, "scheduled"),
    (MeetingState.scheduled, "place"): (MeetingState.scheduled, "scheduled"),
    (MeetingState.accepted, "unplace"): (MeetingState.accepted, "scheduled"),
    (MeetingState.scheduled, "unplace"): (MeetingState.accepted, "scheduled"),
}


class Meeting(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    roadshow_id: str
    investor_org_id: str
    enterprise_org_id: str
    pitch_id: str
    state: MeetingState = MeetingState.requested
    slot: int | None = None
    table: int | None = None
    starts_at: dt.datetime | None = None
    unplaced_reason: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def meeting_id(roadshow_id: str, investor: str, pitch_id: str) -> str:
    return f"{roadshow_id}:{investor}:{pitch_id}"


def request(
    rs: Roadshow, booking: Booking | None, app: Application | None, now: dt.datetime
) -> Transition[Meeting]:
    if rs.state is RoadshowState.cancelled:
        raise ConflictError("roadshow_id", "roadshow_cancelled", zh="路演已取消", en="cancelled")
    if booking is None or booking.state not in (SeatState.held, SeatState.attended):
        raise ConflictError(
            "roadshow_id", "no_seat", zh="需持有本场路演席位才能约见",
            en="only investors holding a seat request meetings",
        )  # fmt: skip
    if app is None or app.state is not ApplicationState.selected:
        raise ConflictError(
            "pitch_id", "not_presenting", zh="该项目不是本场路演的路演项目",
            en="the pitch is not presented at this roadshow",
        )  # fmt: skip
    m = Meeting(
        id=meeting_id(rs.id, booking.investor_org_id, app.pitch_id), roadshow_id=rs.id,
        investor_org_id=booking.investor_org_id, enterprise_org_id=app.enterprise_org_id,
        pitch_id=app.pitch_id, created_at=now, updated_at=now,
    )  # fmt: skip
    return Transition[Meeting](entity=m, events=("requested",))


def answer(m: Meeting, action: str, now: dt.datetime) -> Transition[Meeting]:
    state, event = step(TABLE, m.state, action, "meeting")
    entity = m.model_copy(update={"state": state, "updated_at": now})
    return Transition[Meeting](entity=entity, events=(event or "",))


def plan(rs: Roadshow, meetings: Iterable[Meeting], seed: int = 0) -> ScheduleResult:
    """Place accepted meetings into the slots after the pitches (nobody twice at once)."""
    live = [m for m in meetings if m.state in (MeetingState.accepted, MeetingState.scheduled)]
    return schedule(
        slots=range(1, rs.content.meeting_slots + 1),
        tables_per_slot=rs.content.meeting_tables,
        meetings={m.id: (m.investor_org_id, m.enterprise_org_id) for m in live},
        unavailable={},
        locked={},
        seed=seed,
    )


def place(
    m: Meeting, rs: Roadshow, result: ScheduleResult, now: dt.datetime
) -> Transition[Meeting] | None:
    """The meeting with its placement from ``result``; None when nothing changed."""
    if m.state not in (MeetingState.accepted, MeetingState.scheduled):
        return None
    spot = result.placed.get(m.id)
    if spot is not None:
        slot, table = spot
        if (m.slot, m.table) == (slot, table) and m.state is MeetingState.scheduled:
            return None
        state, event = step(TABLE, m.state, "place", "meeting")
        update = {"slot": slot, "table": table, "starts_at": rs.meeting_start(slot),
                  "unplaced_reason": None}  # fmt: skip
    else:
        reason = result.unplaced.get(m.id)
        why = reason.value if reason is not None else None
        if m.state is MeetingState.accepted and m.unplaced_reason == why:
            return None
        state, event = step(TABLE, m.state, "unplace", "meeting")
        update = {"slot": None, "table": None, "starts_at": None, "unplaced_reason": why}
    entity = m.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Meeting](entity=entity, events=(event or "",))
