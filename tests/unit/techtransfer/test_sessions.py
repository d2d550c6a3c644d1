"""Brokerage sessions: slots, registration, meeting requests, scheduling, ratings, agenda."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from pydantic import ValidationError

from services.techtransfer.domain import sessions as ss
from services.techtransfer.domain.agenda import agenda_ics, build_agenda
from services.techtransfer.domain.errors import (
    Conflict,
    Forbidden,
    Invalid,
    InvalidTransition,
    NotFound,
)
from services.techtransfer.domain.sessions import MEETING_ACTIONS, MEETING_TRANSITIONS, MeetingState
from services.techtransfer.domain.tz import SHANGHAI

from .conftest import (
    DEADLINE,
    ENT,
    ENT2,
    NOW,
    OPERATOR,
    UNI,
    published_need,
    published_offer,
    session_spec,
)

pytestmark = pytest.mark.unit

AFTER = datetime(2025, 3, 15, 12, 0, tzinfo=SHANGHAI)  # after the last slot


def _registrations(session):
    return [
        ss.register(session, UNI, [published_offer()], NOW).entity,
        ss.register(session, ENT, [published_need(owner=ENT)], NOW).entity,
        ss.register(session, ENT2, [published_need(owner=ENT2, record_id="n2")], NOW).entity,
    ]


def _request(session, requester=ENT, invitee=UNI, request_id="r-1"):
    regs = _registrations(session)
    return ss.request_meeting(request_id, session, requester, invitee, NOW, regs).entity


def test_time_slots_are_back_to_back_in_beijing_time() -> None:
    slots = ss.time_slots(session_spec().day, time(9, 0), 20, 3)
    assert [s.number for s in slots] == [1, 2, 3]
    assert slots[0].start.tzinfo is SHANGHAI and slots[0].start.hour == 9
    assert slots[0].start.utcoffset() == timedelta(hours=8)
    assert slots[2].end - slots[0].start == timedelta(minutes=60)


def test_session_creation_rules() -> None:
    with pytest.raises(Forbidden):
        ss.create_session("s", ENT, session_spec(), NOW)
    with pytest.raises(Invalid) as err:
        ss.create_session("s", OPERATOR, session_spec(registration_deadline=NOW), NOW)
    assert err.value.field == "registration_deadline"
    late = datetime(2025, 3, 15, 10, tzinfo=SHANGHAI)
    with pytest.raises(Invalid):
        ss.create_session("s", OPERATOR, session_spec(registration_deadline=late), NOW)
    with pytest.raises(ValidationError) as exc:
        session_spec(venue=None)
    assert exc.value.errors()[0]["loc"] == ("venue",)
    assert session_spec(venue=None, online=True).online
    with pytest.raises(ValidationError) as exc:
        session_spec(slot_minutes=0)
    assert exc.value.errors()[0]["loc"] == ("slot_minutes",)


def test_registration_rules(session) -> None:
    offer = published_offer()
    reg = ss.register(session, UNI, [offer], NOW, unavailable_slots=[2])
    assert reg.events == ("registered",) and reg.entity.unavailable_slots == {2}
    with pytest.raises(Conflict) as err:
        ss.register(session, UNI, [offer], NOW, existing=[reg.entity])
    assert err.value.field == "participant"
    with pytest.raises(Conflict) as err:
        ss.register(session, UNI, [offer], DEADLINE)
    assert err.value.field == "registration_deadline"
    with pytest.raises(Invalid) as err:
        ss.register(session, UNI, [], NOW)
    assert err.value.field == "record_ids"
    with pytest.raises(Forbidden) as err:
        ss.register(session, ENT, [offer], NOW)
    assert err.value.field == "record_ids"
    draft = offer.model_copy(update={"state": "draft"})
    with pytest.raises(Invalid):
        ss.register(session, UNI, [draft], NOW)
    with pytest.raises(Invalid) as err:
        ss.register(session, UNI, [offer], NOW, unavailable_slots=[7])
    assert err.value.field == "unavailable_slots"


def test_meeting_request_rules(session) -> None:
    regs = _registrations(session)
    with pytest.raises(Invalid) as err:
        ss.request_meeting("r", session, ENT, ENT, NOW, regs)
    assert err.value.field == "invitee"
    with pytest.raises(Conflict) as err:
        ss.request_meeting("r", session, ENT, UNI, DEADLINE, regs)
    assert err.value.field == "registration_deadline"
    with pytest.raises(Forbidden):
        ss.request_meeting("r", session, ENT, UNI, NOW, regs[:1])
    with pytest.raises(NotFound):
        ss.request_meeting("r", session, ENT, UNI, NOW, regs[1:])
    first = ss.request_meeting("r", session, ENT, UNI, NOW, regs)
    assert first.events == ("requested",)
    with pytest.raises(Conflict):  # the reverse direction counts as the same pair
        ss.request_meeting("r2", session, UNI, ENT, NOW, regs, existing=[first.entity])


def _act(action: str, req: ss.MeetingRequest, session):
    match action:
        case "accept":
            return ss.accept_meeting(req, UNI, session, NOW)
        case "decline":
            return ss.decline_meeting(req, UNI, session, NOW)
        case "expire":
            return ss.expire_meeting(req, session, DEADLINE)
        case "lock":
            return ss.lock_meeting(req, OPERATOR, session, 2, 1)
        case "place":
            result = ss.ScheduleResult(placed={req.id: (3, 2)}, unplaced={})
            return ss.apply_schedule([req], result)[0] if req.state == "accepted" else None
        case "rate":
            placed = req.model_copy(update={"placement": (1, 1)})
            return ss.rate_meeting(placed, ENT, "negotiating", session, AFTER)
    raise AssertionError(action)


@pytest.mark.parametrize("state", list(MeetingState))
@pytest.mark.parametrize("action", MEETING_ACTIONS)
def test_every_transition_is_allowed_or_refused(session, state, action) -> None:
    req = _request(session).model_copy(update={"state": state})
    if (state, action) in MEETING_TRANSITIONS:
        new_state, event = MEETING_TRANSITIONS[(state, action)]
        result = _act(action, req, session)
        assert result.entity.state is new_state and result.events == (event,)
    elif action == "place":
        assert _act(action, req, session) is None  # only accepted requests get a place
    else:
        with pytest.raises(InvalidTransition):
            _act(action, req, session)


def test_answering_someone_elses_request_is_forbidden(session) -> None:
    req = _request(session)
    for actor in (ENT, ENT2):
        with pytest.raises(Forbidden) as err:
            ss.accept_meeting(req, actor, session, NOW)
        assert err.value.field == "actor"
    with pytest.raises(InvalidTransition):  # unanswered at the deadline: expired
        ss.accept_meeting(req, UNI, session, DEADLINE)
    with pytest.raises(Conflict):
        ss.expire_meeting(req, session, NOW)


def test_lock_rules(session) -> None:
    req = ss.accept_meeting(_request(session), UNI, session, NOW).entity
    with pytest.raises(Forbidden):
        ss.lock_meeting(req, ENT, session, 1, 1)
    with pytest.raises(Invalid) as err:
        ss.lock_meeting(req, OPERATOR, session, 7, 1)
    assert err.value.field == "slot"
    with pytest.raises(Invalid) as err:
        ss.lock_meeting(req, OPERATOR, session, 1, 3)
    assert err.value.field == "table"


def test_rating_rules(session) -> None:
    req = ss.accept_meeting(_request(session), UNI, session, NOW).entity
    with pytest.raises(Conflict) as err:
        ss.rate_meeting(req, ENT, "negotiating", session, AFTER)
    assert err.value.field == "placement"
    req = req.model_copy(update={"placement": (1, 1)})
    with pytest.raises(Conflict):
        ss.rate_meeting(req, ENT, "negotiating", session, NOW)
    with pytest.raises(Forbidden):
        ss.rate_meeting(req, ENT2, "negotiating", session, AFTER)
    rated = ss.rate_meeting(req, ENT, "negotiating", session, AFTER).entity
    both = ss.rate_meeting(rated, UNI, "agreement_reached", session, AFTER).entity
    assert both.ratings == {"ent-1": "negotiating", "uni-1": "agreement_reached"}
    with pytest.raises(Conflict):
        ss.rate_meeting(rated, ENT, "negotiating", session, AFTER)


def test_schedule_session_places_accepted_meetings_and_builds_agendas(session) -> None:
    regs = _registrations(session)
    regs[2] = regs[2].model_copy(update={"unavailable_slots": frozenset({1, 2, 3, 4})})
    requests = [
        ss.request_meeting("r-1", session, ENT, UNI, NOW, regs).entity,
        ss.request_meeting("r-2", session, ENT2, UNI, NOW, regs).entity,
        ss.request_meeting("r-3", session, ENT2, ENT, NOW, regs).entity,
    ]
    requests[0] = ss.accept_meeting(requests[0], UNI, session, NOW).entity
    requests[0] = ss.lock_meeting(requests[0], OPERATOR, session, 6, 2).entity
    requests[1] = ss.accept_meeting(requests[1], UNI, session, NOW).entity
    with pytest.raises(Conflict):
        ss.schedule_session(session, regs, requests, NOW)
    result = ss.schedule_session(session, regs, requests, NOW, operator_request=True)
    assert result.placed["r-1"] == (6, 2)
    assert result.placed["r-2"] == (5, 1)  # ent-2 is free only in 5 and 6; uni is locked in 6
    assert "r-3" not in result.placed and not result.unplaced  # r-3 was never accepted
    changed = ss.apply_schedule(requests, result)
    assert [t.entity.id for t in changed] == ["r-2"] and changed[0].events == ("scheduled",)
    requests[1] = changed[0].entity
    agenda = build_agenda(session, "uni-1", requests, {"ent-1": "京北智造", "ent-2": "ent-2"})
    assert [(i.meeting_id, i.slot, i.table) for i in agenda.items] == [("r-2", 5, 1), ("r-1", 6, 2)]
    ics = agenda_ics(session, agenda, NOW)
    cal = Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == len(agenda.items)
    first = next(e for e in events if "京北智造" in str(e["summary"]))
    assert str(first["summary"]).startswith("对接洽谈：京北智造 / Brokerage meeting")
    start = first.decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=8) and start.hour == 10 and start.minute == 40
    assert "第2桌 / Table 2" in str(first["location"])
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Asia/Shanghai"
