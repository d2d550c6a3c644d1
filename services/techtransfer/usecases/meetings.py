"""1:1 meeting requests inside a brokerage session: request, answer, lock (operators),
list, rate after the session."""

from __future__ import annotations

from typing import Any

from services.techtransfer import events
from services.techtransfer.domain import sessions as domain
from services.techtransfer.domain.errors import Conflict, Forbidden, NotFound
from services.techtransfer.domain.parties import Party
from services.techtransfer.domain.sessions import MeetingOutcome, MeetingRequest
from services.techtransfer.storage import Duplicate, queries
from services.techtransfer.storage.sessions import StoredSession
from services.techtransfer.usecases import Deps, new_id, require_party, retrying
from services.techtransfer.usecases import sessions as session_uc
from shared.auth import Caller


async def request(
    deps: Deps, caller: Caller, session_id: str, invitee_id: str, message: str
) -> MeetingRequest:
    """A registered participant asks another for a 1:1 meeting, before the deadline."""
    party = require_party(caller, "request meetings")
    session = await session_uc.get(deps, session_id)
    regs = await session_uc.registrations(deps, session_id)
    invitee = next((r.participant for r in regs if r.participant.org_id == invitee_id), None)
    if invitee is None:
        invitee = Party(org_id=invitee_id, kind=party.kind)  # the domain names what is wrong
    existing = await deps.repos.meetings.find(queries.live_meetings(session_id))
    t = domain.request_meeting(
        new_id(), session, party, invitee, deps.now(), regs, existing, message
    )
    envelopes = events.meeting_events(t.entity, t.events, session)
    try:
        await deps.repos.meetings.add(
            t.entity, envelopes, {"deadline": session.registration_deadline}
        )
    except Duplicate:
        raise Conflict(
            "invitee", "a meeting request between you already exists", zh="你们之间已有洽谈请求"
        ) from None
    return t.entity


async def _load(deps: Deps, meeting_id: str) -> tuple[MeetingRequest, StoredSession]:
    req = await deps.repos.meetings.get(meeting_id)
    if req is None:
        raise NotFound(
            "meeting_id",
            f"no meeting request {meeting_id}",
            zh=f"没有编号为 {meeting_id} 的洽谈请求",
        )
    return req, await session_uc.get(deps, req.session_id)


async def get(deps: Deps, caller: Caller, meeting_id: str) -> MeetingRequest:
    req, _ = await _load(deps, meeting_id)
    if not caller.is_operator and caller.organisation_id not in req.sides():
        raise Forbidden(
            "actor",
            "only the two sides may read this meeting request",
            zh="只有双方可以查看该洽谈请求",
        )
    return req


async def list_for(deps: Deps, caller: Caller, session_id: str) -> list[MeetingRequest]:
    """The caller's requests in a session (operators: all of them)."""
    await session_uc.require_participant_or_operator(deps, caller, session_id)
    org = None if caller.is_operator else caller.organisation_id
    found = await deps.repos.meetings.find(queries.meetings_of(session_id, org))
    return sorted(found, key=lambda r: r.created_at)


async def _act(deps: Deps, caller: Caller, meeting_id: str, command: Any, action: str):
    party = require_party(caller, f"{action} meeting requests")

    async def attempt() -> MeetingRequest | None:
        req, session = await _load(deps, meeting_id)
        t = command(req, party, session, deps.now())
        saved = await deps.repos.meetings.save(
            t.entity,
            expected_version=req.version,
            envelopes=events.meeting_events(t.entity, t.events, session),
        )
        return t.entity if saved else None

    return await retrying(attempt, "meeting request")


async def accept(deps: Deps, caller: Caller, meeting_id: str) -> MeetingRequest:
    return await _act(deps, caller, meeting_id, domain.accept_meeting, "answer")


async def decline(deps: Deps, caller: Caller, meeting_id: str) -> MeetingRequest:
    return await _act(deps, caller, meeting_id, domain.decline_meeting, "answer")


async def lock(deps: Deps, caller: Caller, meeting_id: str, slot: int, table: int):
    """Operators pin an accepted meeting to (slot, table); the scheduler keeps it there."""
    return await _act(
        deps,
        caller,
        meeting_id,
        lambda r, p, s, now: domain.lock_meeting(r, p, s, slot, table),
        "lock",
    )


async def rate(deps: Deps, caller: Caller, meeting_id: str, outcome: MeetingOutcome):
    """After the session each side rates a meeting that took place, once."""
    return await _act(
        deps,
        caller,
        meeting_id,
        lambda r, p, s, now: domain.rate_meeting(r, p, outcome, s, now),
        "rate",
    )
