"""Brokerage sessions: create (operators), read, register with one's open records, see who
else is registered, schedule (operators, or the sweeper once registration has closed),
and each participant's agenda as JSON or iCalendar."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel

from services.techtransfer import events
from services.techtransfer.domain import sessions as domain
from services.techtransfer.domain.agenda import Agenda, agenda_ics, build_agenda
from services.techtransfer.domain.errors import Conflict, Forbidden, NotFound
from services.techtransfer.domain.records import Record
from services.techtransfer.domain.sessions import MeetingRequest, MeetingState, SessionSpec
from services.techtransfer.storage import Duplicate, queries
from services.techtransfer.storage.sessions import (
    StoredRegistration,
    StoredSession,
    registration_id,
)
from services.techtransfer.usecases import Deps, new_id, require_party, retrying
from shared.auth import Caller
from shared.scheduling import ScheduleResult

log = logging.getLogger(__name__)


async def create(deps: Deps, caller: Caller, spec: SessionSpec) -> StoredSession:
    operator = require_party(caller, "create brokerage sessions")
    now = deps.now()
    t = domain.create_session(new_id(), operator, spec, now)
    session = StoredSession(**t.entity.model_dump(), created_at=now)
    await deps.repos.sessions.add(session, events.session_events(session, t.events))
    return session


async def get(deps: Deps, session_id: str) -> StoredSession:
    session = await deps.repos.sessions.get(session_id)
    if session is None:
        raise NotFound(
            "session_id",
            f"no brokerage session {session_id}",
            zh=f"没有编号为 {session_id} 的对接洽谈会",
        )
    return session


async def list_sessions(deps: Deps, *, domain_code: str | None, limit: int, offset: int):
    """A page of sessions, newest day first, and how many there are in all."""
    query = {"domain": domain_code} if domain_code else {}
    return await deps.repos.sessions.page(
        query, sort=[("day", -1), ("_id", 1)], offset=offset, limit=limit
    )


async def registrations(deps: Deps, session_id: str) -> list[StoredRegistration]:
    return await deps.repos.registrations.find({"session_id": session_id})


async def _records(deps: Deps, record_ids: list[str]) -> list[Record]:
    found: list[Record] = []
    for rid in dict.fromkeys(record_ids):
        record = await deps.repos.offers.get(rid) or await deps.repos.needs.get(rid)
        if record is None:
            raise NotFound(
                "record_ids", f"no offer or need {rid}", zh=f"没有编号为 {rid} 的科技成果或技术需求"
            )
        found.append(record)
    return found


async def register(
    deps: Deps,
    caller: Caller,
    session_id: str,
    record_ids: list[str],
    unavailable_slots: list[int],
    display_name: str,
) -> StoredRegistration:
    """The owner of published offers/needs registers with them, once per session."""
    party = require_party(caller, "register for brokerage sessions")
    session = await get(deps, session_id)
    existing = await deps.repos.registrations.find(
        {"_id": registration_id(session_id, party.org_id)}
    )
    t = domain.register(
        session,
        party,
        await _records(deps, record_ids),
        deps.now(),
        existing,
        unavailable_slots,
    )
    reg = StoredRegistration(
        **t.entity.model_dump(),
        id=registration_id(session_id, party.org_id),
        display_name=display_name or caller.user_name or party.org_id,
    )
    try:
        await deps.repos.registrations.add(reg, events.registration_events(reg, t.events))
    except Duplicate:
        raise Conflict(
            "participant",
            "you are already registered for this session",
            zh="你已报名本场对接洽谈会",
        ) from None
    return reg


async def participant_ids(deps: Deps, session_id: str) -> set[str]:
    return {r.participant.org_id for r in await registrations(deps, session_id)}


async def require_participant_or_operator(deps: Deps, caller: Caller, session_id: str) -> None:
    await get(deps, session_id)
    if caller.is_operator:
        return
    if caller.organisation_id not in await participant_ids(deps, session_id):
        raise Forbidden(
            "actor",
            "only registered participants and operators may see this",
            zh="只有已报名的参会方和运营方可以查看",
        )


class ScheduleView(BaseModel):
    """The last scheduler run: placed meetings and, for the rest, why not."""

    session_id: str
    scheduled_at: Any
    placed: dict[str, tuple[int, int]]
    unplaced: dict[str, dict[str, str]]


def schedule_view(session: StoredSession) -> ScheduleView:
    from shared.scheduling import REASON_TEXT

    result = session.schedule or ScheduleResult(placed={}, unplaced={})
    return ScheduleView(
        session_id=session.id,
        scheduled_at=session.scheduled_at,
        placed=result.placed,
        unplaced={
            mid: {"reason": r.value, "zh": REASON_TEXT[r][0], "en": REASON_TEXT[r][1]}
            for mid, r in result.unplaced.items()
        },
    )


async def expire_requests(deps: Deps, session: StoredSession) -> int:
    """Requests still unanswered at the registration deadline expire (the domain's rule)."""
    now, expired = deps.now(), 0
    if now < session.registration_deadline:
        return 0
    for req in await deps.repos.meetings.find(
        {"session_id": session.id, "state": MeetingState.requested.value}
    ):
        t = domain.expire_meeting(req, session, now)
        envelopes = events.meeting_events(t.entity, t.events, session)
        expired += await deps.repos.meetings.save(
            t.entity, expected_version=req.version, envelopes=envelopes
        )
    return expired


async def run_schedule(deps: Deps, session_id: str, *, operator_request: bool) -> StoredSession:
    """Place accepted meetings; record each placement and the run on the session."""
    session = await get(deps, session_id)
    await expire_requests(deps, session)
    regs = await registrations(deps, session_id)
    requests = await deps.repos.meetings.find({"session_id": session_id})
    now = deps.now()
    result = domain.schedule_session(
        session,
        regs,
        requests,
        now,
        operator_request=operator_request,
        seed=deps.settings.schedule_seed,
    )
    for t in domain.apply_schedule(requests, result):
        before = next(r for r in requests if r.id == t.entity.id)
        reason = result.unplaced.get(t.entity.id)
        saved = await deps.repos.meetings.save(
            t.entity,
            expected_version=before.version,
            envelopes=events.meeting_events(t.entity, t.events, session, reason),
        )
        if not saved:
            raise Conflict(
                "meetings",
                "a meeting changed while scheduling; run it again",
                zh="排期时有洽谈请求发生变化，请重新排期",
            )

    sides = {r.id: r.sides() for r in requests}

    async def attempt() -> StoredSession | None:
        current = await get(deps, session_id)
        updated = current.model_copy(
            update={"schedule": result, "scheduled_at": now, "version": current.version + 1}
        )
        saved = await deps.repos.sessions.save(
            updated,
            expected_version=current.version,
            envelopes=events.session_events(updated, ("scheduled",), sides),
        )
        return updated if saved else None

    stored = await retrying(attempt, "session")
    log.info(
        "session %s scheduled: %d placed, %d unplaced",
        session_id,
        len(result.placed),
        len(result.unplaced),
    )
    return stored


async def schedule_due(deps: Deps) -> int:
    """The sweeper: schedule every session whose registration closed and never ran."""
    due = await deps.repos.sessions.find(queries.sessions_due(deps.now()), limit=50)
    for session in due:
        await run_schedule(deps, session.id, operator_request=False)
    return len(due)


async def agenda(
    deps: Deps, caller: Caller, session_id: str, participant: str | None
) -> tuple[StoredSession, Agenda]:
    """A participant's own agenda; operators may ask for anyone's."""
    session = await get(deps, session_id)
    who = participant or caller.organisation_id
    if who != caller.organisation_id and not caller.is_operator:
        raise Forbidden("participant", "you may only see your own agenda", zh="只能查看自己的日程")
    regs = await registrations(deps, session_id)
    if who not in {r.participant.org_id for r in regs}:
        raise NotFound(
            "participant",
            f"{who} is not registered for this session",
            zh=f"{who} 未报名本场对接洽谈会",
        )
    names = {r.participant.org_id: r.display_name for r in regs if r.display_name}
    requests: list[MeetingRequest] = await deps.repos.meetings.find({"session_id": session_id})
    return session, build_agenda(session, who, requests, names)


async def agenda_file(
    deps: Deps, caller: Caller, session_id: str, participant: str | None
) -> bytes:
    session, built = await agenda(deps, caller, session_id, participant)
    return agenda_ics(session, built, deps.now())
