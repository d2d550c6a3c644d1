"""Placements: a hire's guarantee period, leaver reports, support-eligible records and the
operator's export. A placement view carries agency, enterprise, role and dates: never the
person."""

from __future__ import annotations

import csv
import datetime as dt
import io

from pydantic import BaseModel

from services.talent import events
from services.talent.domain import candidates as domain
from services.talent.domain.candidates import Candidate, PlacementState
from services.talent.storage import queries
from services.talent.usecases import Deps, not_found
from shared.auth import Caller
from shared.errors import ConflictError
from shared.store import Versioned

PLACEMENT = not_found("placement_id", "入职记录 / placement")


class PlacementView(BaseModel):
    placement_id: str
    demand_id: str
    agency_id: str
    enterprise_org_id: str
    role_title: str
    state: PlacementState
    hired_at: dt.datetime
    guarantee_ends_at: dt.datetime
    ended_at: dt.datetime | None = None
    reason: str = ""

    @classmethod
    def of(cls, c: Candidate) -> PlacementView:
        p = c.placement
        assert p is not None
        return cls(
            placement_id=c.id,
            demand_id=c.demand_id,
            agency_id=c.agency_id,
            enterprise_org_id=c.enterprise_org_id,
            role_title=c.role_title,
            state=p.state,
            hired_at=p.hired_at,
            guarantee_ends_at=p.guarantee_ends_at,
            ended_at=p.ended_at,
            reason=p.reason,
        )


async def listing(
    deps: Deps, caller: Caller, state: PlacementState | None, limit: int, offset: int
) -> tuple[list[PlacementView], int]:
    org = None if caller.is_operator else caller.organisation_id
    found, total = await queries.placements(
        deps.repos.candidates, state.value if state else None, org, limit, offset
    )
    return [PlacementView.of(c) for c in found], total


async def get(deps: Deps, caller: Caller, placement_id: str) -> PlacementView:
    found = await deps.repos.candidates.get(placement_id)
    c = found.state if found else None
    if c is None or c.placement is None:
        raise PLACEMENT()
    if not caller.is_operator and caller.organisation_id not in (c.agency_id, c.enterprise_org_id):
        raise PLACEMENT()
    return PlacementView.of(c)


async def report_leaver(
    deps: Deps, caller: Caller, placement_id: str, reason: str
) -> PlacementView:
    await get(deps, caller, placement_id)
    org = caller.organisation_id

    def apply(current: Versioned[Candidate]) -> tuple[Candidate, list]:
        t = domain.report_leaver(current.state, org, reason, deps.now())
        return t.entity, events.candidate_events(t.entity, t.events)

    return PlacementView.of(
        (await deps.repos.candidates.update(placement_id, apply, not_found=PLACEMENT)).state
    )


async def qualify_due(deps: Deps) -> int:
    """Placements whose guarantee ended without a leaver become support-eligible."""
    done = 0
    for v in await queries.guarantees_due(deps.repos.candidates, deps.now()):

        def apply(current: Versioned[Candidate]) -> tuple[Candidate, list]:
            t = domain.qualify(current.state, deps.now())
            return t.entity, events.candidate_events(t.entity, t.events)

        try:
            await deps.repos.candidates.update(v.state.id, apply, not_found=PLACEMENT)
            done += 1
        except ConflictError:
            continue  # a leaver report or another sweeper came first
    return done


EXPORT_COLUMNS = [
    "placement_id",
    "agency_id",
    "enterprise_org_id",
    "role_title",
    "hired_at",
    "guarantee_ends_at",
    "qualified_at",
    "demand_id",
]


async def export_csv(deps: Deps) -> str:
    """Every support-eligible placement, as CSV (agency, enterprise, role, dates)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    offset = 0
    while True:
        batch, total = await listing_all(deps, offset)
        for v in batch:
            writer.writerow(
                [
                    v.placement_id,
                    v.agency_id,
                    v.enterprise_org_id,
                    v.role_title,
                    v.hired_at.isoformat(),
                    v.guarantee_ends_at.isoformat(),
                    v.ended_at.isoformat() if v.ended_at else "",
                    v.demand_id,
                ]
            )
        offset += len(batch)
        if not batch or offset >= total:
            return out.getvalue()


async def listing_all(deps: Deps, offset: int) -> tuple[list[PlacementView], int]:
    found, total = await queries.placements(
        deps.repos.candidates, PlacementState.qualified.value, None, 500, offset
    )
    return [PlacementView.of(c) for c in found], total
