"""Each participant's meeting agenda for a session, and its iCalendar (.ics) export.

Texts are Simplified Chinese first, English second; times are Beijing time with the
VTIMEZONE included, so calendar clients show the right hour anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from icalendar import Calendar, Event
from pydantic import AwareDatetime, BaseModel, ConfigDict

from .sessions import BrokerageSession, MeetingRequest, MeetingState, session_slots


class AgendaItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    meeting_id: str
    slot: int
    table: int
    start: AwareDatetime
    end: AwareDatetime
    counterpart_id: str
    counterpart_name: str


class Agenda(BaseModel):
    model_config = ConfigDict(frozen=True)

    session_id: str
    participant_id: str
    items: list[AgendaItem]


def build_agenda(
    session: BrokerageSession,
    participant_id: str,
    requests: Iterable[MeetingRequest],
    names: Mapping[str, str] | None = None,
) -> Agenda:
    """The participant's scheduled meetings in time order; ``names`` maps org id → name."""
    names = names or {}
    slots = {s.number: s for s in session_slots(session)}
    items = []
    for req in requests:
        if req.state is not MeetingState.accepted or req.placement is None:
            continue
        if participant_id not in req.sides():
            continue
        slot, table = req.placement
        a, b = req.sides()
        other = b if a == participant_id else a
        items.append(
            AgendaItem(
                meeting_id=req.id,
                slot=slot,
                table=table,
                start=slots[slot].start,
                end=slots[slot].end,
                counterpart_id=other,
                counterpart_name=names.get(other, other),
            )
        )
    items.sort(key=lambda item: (item.slot, item.meeting_id))
    return Agenda(session_id=session.id, participant_id=participant_id, items=items)


def _location(session: BrokerageSession, table: int) -> str:
    if session.online:
        return f"线上 第{table}会议室 / Online room {table}"
    return f"{session.venue} 第{table}桌 / Table {table}"


def agenda_ics(session: BrokerageSession, agenda: Agenda, generated_at: datetime) -> bytes:
    """The agenda as an iCalendar file, one VEVENT per meeting, stable UIDs."""
    cal = Calendar()
    cal.add("prodid", "-//Duijie 对接//techtransfer agenda//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{session.title} 洽谈日程 / Meeting agenda")
    for item in agenda.items:
        event = Event()
        event.add("uid", f"{session.id}.{item.meeting_id}.{agenda.participant_id}@duijie")
        event.add("dtstamp", generated_at)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        name = item.counterpart_name
        event.add("summary", f"对接洽谈：{name} / Brokerage meeting: {name}")
        event.add("location", _location(session, item.table))
        event.add(
            "description",
            f"{session.title}\n第{item.slot}场，第{item.table}桌 / Slot {item.slot}, "
            f"table {item.table}\n洽谈对象 / Counterpart: {name}",
        )
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
