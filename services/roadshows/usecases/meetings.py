"""1:1 meetings after the pitches and the follow-up funnel that comes after them."""

from __future__ import annotations

from typing import Any

from services.roadshows import events
from services.roadshows.domain import followups as funnel
from services.roadshows.domain import meetings as domain
from services.roadshows.domain.applications import application_id
from services.roadshows.domain.followups import Followup, StepReport
from services.roadshows.domain.meetings import Meeting
from services.roadshows.domain.seats import booking_id
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, not_found, require_owner
from services.roadshows.usecases import calendar as cal
from shared.auth import Caller
from shared.errors import ConflictError
from shared.store import Conflict, Versioned

MEETING = not_found("meeting_id", "约见 / meeting")


async def request(deps: Deps, caller: Caller, roadshow_id: str, pitch_id: str) -> Meeting:
    rs = await cal.get(deps, roadshow_id)
    booking = await deps.repos.bookings.get(booking_id(rs.id, caller.organisation_id))
    app = await deps.repos.applications.get(application_id(rs.id, pitch_id))
    t = domain.request(
        rs, booking.state if booking else None, app.state if app else None, deps.now()
    )
    try:
        saved = await deps.repos.meetings.create(
            t.entity.id, t.entity, events.meeting_events(t.entity, t.events)
        )
    except Conflict:
        raise ConflictError(
            "pitch_id", "already_requested", zh="已向该项目提出约见", en="already requested"
        ) from None
    return saved.state


async def answer(deps: Deps, caller: Caller, meeting_id: str, accept: bool) -> Meeting:
    def decide(cur: Versioned[Meeting]) -> tuple[Meeting, list[Any]]:
        require_owner(caller, cur.state.enterprise_org_id, "meeting_id")
        t = domain.answer(cur.state, "accept" if accept else "decline", deps.now())
        return t.entity, events.meeting_events(t.entity, t.events)

    return (await deps.repos.meetings.update(meeting_id, decide, not_found=MEETING)).state


async def of_roadshow(deps: Deps, caller: Caller, roadshow_id: str) -> list[Meeting]:
    """The operator sees all; an investor or enterprise its own side's."""
    await cal.get(deps, roadshow_id)
    if caller.is_operator:
        return await queries.every(deps.repos.meetings, queries.of_roadshow(roadshow_id))
    field = "investor_org_id" if caller.org_type.value == "investor" else "enterprise_org_id"
    query = queries.of_party(roadshow_id, field, caller.organisation_id)
    return await queries.every(deps.repos.meetings, query)


async def schedule(deps: Deps, roadshow_id: str) -> list[Meeting]:
    """Build the day's conflict-free schedule; each changed meeting is saved with its event."""
    rs = await cal.get(deps, roadshow_id)
    found = await queries.every(deps.repos.meetings, queries.of_roadshow(rs.id))
    result = domain.plan(rs, found, seed=deps.settings.schedule_seed)
    out = []
    for m in found:

        def decide(cur: Versioned[Meeting]) -> tuple[Meeting, list[Any]]:
            t = domain.place(cur.state, rs, result, deps.now())
            if t is None:
                return cur.state, []
            return t.entity, events.meeting_events(t.entity, t.events)

        if domain.place(m, rs, result, deps.now()) is None:
            out.append(m)
            continue
        out.append((await deps.repos.meetings.update(m.id, decide, not_found=MEETING)).state)
    return out


async def report(deps: Deps, caller: Caller, meeting_id: str, step: StepReport) -> Followup:
    m = (await deps.repos.meetings.require(meeting_id, MEETING)).state
    require_owner(caller, m.investor_org_id, "meeting_id")
    current = await deps.repos.followups.get(m.id)
    base = current.state if current else funnel.start(m, deps.now())
    t = funnel.report(base, step, deps.now())
    evs = events.followup_events(t.entity, t.events, step)
    saved = await deps.repos.followups.save(m.id, t.entity, current.version if current else 0, evs)
    return saved.state


async def confirm(deps: Deps, caller: Caller, meeting_id: str, agree: bool) -> Followup:
    def decide(cur: Versioned[Followup]) -> tuple[Followup, list[Any]]:
        require_owner(caller, cur.state.enterprise_org_id, "meeting_id")
        pending = cur.state.pending
        t = funnel.confirm(cur.state, agree, deps.now())
        return t.entity, events.followup_events(t.entity, t.events, pending)

    not_reported = not_found("meeting_id", "跟进记录 / follow-up")
    return (await deps.repos.followups.update(meeting_id, decide, not_found=not_reported)).state


async def followup(deps: Deps, caller: Caller, meeting_id: str) -> Followup:
    f = (
        await deps.repos.followups.require(
            meeting_id, not_found("meeting_id", "跟进记录 / follow-up")
        )
    ).state
    if not caller.is_operator and caller.organisation_id not in (
        f.investor_org_id,
        f.enterprise_org_id,
    ):
        require_owner(caller, f.investor_org_id, "meeting_id")
    return f
