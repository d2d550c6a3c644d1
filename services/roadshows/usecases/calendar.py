"""The operator's monthly calendar: schedule, cancel and close roadshows; the compliance
view per month x domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.roadshows import events
from services.roadshows.domain import calendar as domain
from services.roadshows.domain import seats as seat_domain
from services.roadshows.domain.calendar import ComplianceCell, Roadshow, RoadshowIn
from services.roadshows.domain.seats import SeatState
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, new_id, not_found
from shared.auth import Caller
from shared.store import Versioned

ROADSHOW = not_found("roadshow_id", "路演 / roadshow")


async def schedule(deps: Deps, caller: Caller, spec: RoadshowIn) -> Roadshow:
    t = domain.schedule(new_id("rs"), caller.organisation_id, spec, deps.now())
    saved = await deps.repos.roadshows.create(
        t.entity.id, t.entity, events.roadshow_events(t.entity, t.events)
    )
    return saved.state


async def get(deps: Deps, roadshow_id: str) -> Roadshow:
    return (await deps.repos.roadshows.require(roadshow_id, ROADSHOW)).state


async def month(
    deps: Deps, month: str, domain_code: str | None, limit: int, offset: int
) -> tuple[list[Roadshow], int]:
    query = queries.calendar([month], domain_code)
    return await queries.page(deps.repos.roadshows, query, limit, offset, sort=[("starts_at", 1)])


async def cancel(deps: Deps, roadshow_id: str, reason: str) -> Roadshow:
    def decide(current: Versioned[Roadshow]) -> tuple[Roadshow, list[Any]]:
        t = domain.cancel(current.state, reason, deps.now())
        return t.entity, events.roadshow_events(t.entity, t.events)

    return (await deps.repos.roadshows.update(roadshow_id, decide, not_found=ROADSHOW)).state


async def close(deps: Deps, roadshow_id: str) -> Roadshow:
    """After the end: every seat still held and not checked in is a no-show."""
    rs = await get(deps, roadshow_id)
    domain.close(rs, 0, 0, deps.now())  # refuses early, before any booking moves
    held = await queries.every(
        deps.repos.bookings, queries.of_roadshow(rs.id, [SeatState.held, SeatState.attended])
    )
    for b in [b for b in held if b.state is SeatState.held]:
        await deps.repos.bookings.update(
            b.id, lambda cur: _forfeit(cur, rs, deps), not_found=ROADSHOW
        )
    attended = sum(b.state is SeatState.attended for b in held)
    no_shows = sum(b.state is SeatState.held for b in held)

    def decide(current: Versioned[Roadshow]) -> tuple[Roadshow, list[Any]]:
        t = domain.close(current.state, attended, no_shows, deps.now())
        return t.entity, events.roadshow_events(t.entity, t.events)

    return (await deps.repos.roadshows.update(rs.id, decide, not_found=ROADSHOW)).state


def _forfeit(cur: Versioned[Any], rs: Roadshow, deps: Deps) -> tuple[Any, list[Any]]:
    if cur.state.state is not SeatState.held:
        return cur.state, []  # attended meanwhile: nothing to record
    t = seat_domain.move(cur.state, "forfeit", deps.now())
    return t.entity, events.seat_events(t.entity, rs, t.events)


async def compliance(
    deps: Deps, first: str, count: int, domain_code: str | None, as_of: dt.datetime | None = None
) -> list[ComplianceCell]:
    months = domain.months_from(first, count)
    domains = [domain_code] if domain_code else deps.settings.compliance_domains
    found = await queries.every(deps.repos.roadshows, queries.calendar(months, domain_code))
    return domain.compliance(months, domains, found, as_of or deps.now())
