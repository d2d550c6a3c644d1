"""The operator's agency list: registration (by the agency itself or an operator),
verification, suspension with a reason, profile edits, reads."""

from __future__ import annotations

from services.talent import events
from services.talent.domain import agencies as domain
from services.talent.domain.agencies import Agency, AgencyProfileIn, AgencyState
from services.talent.storage import queries
from services.talent.usecases import Deps, not_found
from shared.auth import Caller
from shared.errors import ConflictError, InvalidInput
from shared.store import Conflict

AGENCY = not_found("agency_id", "猎头机构 / agency")


async def register(
    deps: Deps, caller: Caller, profile: AgencyProfileIn, org_id: str | None
) -> Agency:
    """A headhunter registers its own organisation; an operator names the organisation."""
    if caller.is_operator:
        if not org_id:
            raise InvalidInput(
                "org_id",
                "required",
                zh="请指定猎头机构的组织编号",
                en="operators must name the agency's organisation",
            )
        target = org_id
    else:
        target = caller.organisation_id
    t = domain.register(target, profile, deps.now())
    try:
        saved = await deps.repos.agencies.create(
            target, t.entity, events.agency_events(t.entity, t.events)
        )
    except Conflict:
        raise ConflictError(
            "org_id", "agency_exists", zh="该机构已登记", en="already registered"
        ) from None
    return saved.state


async def get(deps: Deps, agency_id: str) -> Agency:
    return (await deps.repos.agencies.require(agency_id, AGENCY)).state


async def find(deps: Deps, agency_id: str) -> Agency | None:
    found = await deps.repos.agencies.get(agency_id)
    return found.state if found else None


async def _change(deps: Deps, agency_id: str, decide) -> Agency:
    def change(current):
        t = decide(current.state)
        return t.entity, events.agency_events(t.entity, t.events)

    return (await deps.repos.agencies.update(agency_id, change, not_found=AGENCY)).state


async def verify(deps: Deps, agency_id: str) -> Agency:
    return await _change(deps, agency_id, lambda a: domain.verify(a, deps.now()))


async def suspend(deps: Deps, agency_id: str, reason: str) -> Agency:
    """Off the list: its profile is withdrawn and every claim it holds ends."""
    from services.talent.usecases import claims  # claims reads agencies: import late

    suspended = await _change(deps, agency_id, lambda a: domain.suspend(a, reason, deps.now()))
    await claims.release_all_of_agency(deps, agency_id)
    return suspended


async def edit(deps: Deps, agency_id: str, profile: AgencyProfileIn) -> Agency:
    return await _change(deps, agency_id, lambda a: domain.edit(a, profile, deps.now()))


async def listing(
    deps: Deps, state: AgencyState | None, limit: int, offset: int
) -> tuple[list[Agency], int]:
    return await queries.agencies(
        deps.repos.agencies, state.value if state else None, limit, offset
    )


async def record(deps: Deps, agency_id: str) -> dict[str, int]:
    """The agency's track record on the platform, beside its self-declared placements."""
    await deps.repos.agencies.require(agency_id, AGENCY)
    return await queries.agency_record(deps.repos.claims, deps.repos.candidates, agency_id)
