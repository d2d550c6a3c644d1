"""Claims on demands as counted units: an exclusive demand has one slot, an open one K,
and each agency has M. The agency's own slot is taken first, so an agency at its limit
never blocks a demand's slot, even for a moment, from another agency.

A claim ends by release (agency), revocation (enterprise, with a reason), expiry
(sweeper) or the demand leaving the market; its slots are then given back and the claim
marked ``units_freed``, which the sweeper finishes if a crash came in between.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from services.talent import events
from services.talent.domain import claims as domain
from services.talent.domain.agencies import ensure_verified
from services.talent.domain.claims import Claim, ClaimState
from services.talent.domain.demands import ClaimMode, Demand, ensure_open
from services.talent.storage import queries
from services.talent.usecases import Deps, new_id, not_found
from services.talent.usecases import agencies as agency_uc
from shared.auth import Caller
from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.store import Versioned
from shared.transitions import Transition
from shared.units import AlreadyHeld

log = logging.getLogger(__name__)
CLAIM = not_found("claim_id", "认领 / claim")
DEMAND = not_found("demand_id", "人才需求 / talent demand")


def demand_slots(demand_id: str) -> str:
    return f"demand:{demand_id}:claims"


def agency_slots(agency_id: str) -> str:
    return f"agency:{agency_id}:claims"


async def claim(deps: Deps, caller: Caller, demand_id: str) -> Claim:
    # Independent reads go together (a claim burst queues on the database: fewer
    # round trips one after another is what shortens it).
    found_agency, found_demand = await asyncio.gather(
        agency_uc.find(deps, caller.organisation_id), deps.repos.demands.get(demand_id)
    )
    agency = ensure_verified(found_agency)
    if found_demand is None:
        raise DEMAND()
    demand = found_demand.state
    now = deps.now()
    ensure_open(demand, now)
    units, limit = deps.repos.units, deps.settings.agency_max_claims
    # Looks before the race, so the many losers of a burst stop after a few reads:
    # every slot held -> full; the agency's unfreed claims at M -> its limit. They only
    # refuse what is so at this moment; the acquires below decide the winners.
    holders, holding, past = await asyncio.gather(
        units.held(demand_slots(demand.id), demand.claim_capacity),
        queries.claims_holding_units(deps.repos.claims, agency.id),
        queries.ended_claims(deps.repos.claims, demand.id, agency.id),
    )
    if agency.id in holders.values():
        raise _already_claimed()
    domain.ensure_may_claim_again(past, demand.content.claim_mode.value, demand.claim_days, now)
    if len(holders) >= demand.claim_capacity:
        raise _demand_full(demand)
    if holding >= limit:
        raise _over_limit(limit)
    # The demand's slot first: a loser gives nothing back (measured: 50-wide bursts went
    # from ~17 to ~10 database round trips per loser). The agency's own slot second; it
    # is refused only if the agency raced itself past M, and then the demand slot goes back.
    try:
        slot = await units.acquire(demand_slots(demand.id), agency.id, demand.claim_capacity)
    except AlreadyHeld:
        raise _already_claimed() from None
    if slot.status != "held":
        raise _demand_full(demand)
    try:
        try:
            mine = await units.acquire(agency_slots(agency.id), demand.id, limit)
        except AlreadyHeld:
            raise _already_claimed() from None
        if mine.status != "held":
            raise _over_limit(limit)
        t = domain.grant(
            new_id("claim"),
            demand_id=demand.id,
            demand_title=demand.content.title,
            agency_id=agency.id,
            enterprise_org_id=demand.owner_org_id,
            mode=demand.content.claim_mode.value,
            days=demand.claim_days,
            now=now,
        )
        try:
            saved = await deps.repos.claims.create(
                t.entity.id, t.entity, events.claim_events(t.entity, t.events)
            )
        except BaseException:
            await units.release(agency_slots(agency.id), demand.id)
            raise
    except BaseException:
        await units.release(demand_slots(demand.id), agency.id)
        raise
    return saved.state


def _over_limit(limit: int) -> ConflictError:
    return ConflictError(
        "agency",
        "agency_claim_limit",
        zh=f"本机构同时持有的认领已达上限（{limit} 个）",
        en=f"your agency already holds its limit of {limit} claims",
    )


def _already_claimed() -> ConflictError:
    return ConflictError(
        "demand_id",
        "already_claimed",
        zh="本机构已认领该需求",
        en="your agency already holds a claim on this demand",
    )


def _demand_full(demand: Demand) -> ConflictError:
    if demand.content.claim_mode is ClaimMode.exclusive:
        return ConflictError(
            "demand_id",
            "demand_exclusively_claimed",
            zh="该需求为独家模式，已被其他机构认领",
            en="another agency holds this exclusive demand",
        )
    return ConflictError(
        "demand_id",
        "demand_claims_full",
        zh=f"该需求的并行认领名额（{demand.claim_capacity} 个）已满",
        en=f"all {demand.claim_capacity} claim slots are taken",
    )


async def free_units(deps: Deps, claim: Claim) -> None:
    """Give a finished claim's slots back and mark it (idempotent)."""
    if claim.state is ClaimState.active or claim.units_freed:
        return
    await deps.repos.units.release(demand_slots(claim.demand_id), claim.agency_id)
    await deps.repos.units.release(agency_slots(claim.agency_id), claim.demand_id)

    def mark(current: Versioned[Claim]) -> tuple[Claim, list]:
        return domain.freed(current.state), []

    await deps.repos.claims.update(claim.id, mark, not_found=CLAIM)


async def end_claim(
    deps: Deps, claim_id: str, decide: Callable[[Claim], Transition[Claim]]
) -> Claim:
    def change(current: Versioned[Claim]) -> tuple[Claim, list]:
        t = decide(current.state)
        return t.entity, events.claim_events(t.entity, t.events)

    ended = (await deps.repos.claims.update(claim_id, change, not_found=CLAIM)).state
    await free_units(deps, ended)
    return ended


async def get_for(deps: Deps, caller: Caller, claim_id: str) -> Claim:
    found = (await deps.repos.claims.require(claim_id, CLAIM)).state
    if not caller.is_operator and caller.organisation_id not in (
        found.agency_id,
        found.enterprise_org_id,
    ):
        raise CLAIM()
    return found


async def release(deps: Deps, caller: Caller, claim_id: str) -> Claim:
    found = await get_for(deps, caller, claim_id)
    if found.agency_id != caller.organisation_id:
        raise ForbiddenError(
            "claim_id",
            "not_claimant",
            zh="只有认领机构可以放弃认领",
            en="only the claiming agency may release it",
        )
    return await end_claim(deps, claim_id, lambda c: domain.release(c, deps.now(), "released"))


async def revoke(deps: Deps, caller: Caller, claim_id: str, reason: str) -> Claim:
    if not reason.strip():
        raise InvalidInput(
            "reason", "reason_required", zh="撤销认领须说明原因", en="a reason is required"
        )
    await get_for(deps, caller, claim_id)
    org = caller.organisation_id
    return await end_claim(
        deps, claim_id, lambda c: domain.revoke(c, org, reason.strip(), deps.now())
    )


async def release_all_of(deps: Deps, demand_id: str, reason: str) -> None:
    """The demand left the market: every active claim on it ends."""
    for v in await queries.active_claims_of_demand(deps.repos.claims, demand_id):
        try:
            await end_claim(deps, v.state.id, lambda c: domain.release(c, deps.now(), reason))
        except ConflictError:
            continue  # it ended meanwhile (expired, revoked)


async def release_all_of_agency(deps: Deps, agency_id: str) -> None:
    """The agency was suspended: its active claims end and their slots are freed."""
    for v in await queries.active_claims_of_agency(deps.repos.claims, agency_id):
        try:
            await end_claim(
                deps, v.state.id, lambda c: domain.release(c, deps.now(), "agency_suspended")
            )
        except ConflictError:
            continue


async def listing(
    deps: Deps, caller: Caller, demand_id: str | None, state: str | None, limit: int, offset: int
) -> tuple[list[Claim], int]:
    if caller.is_operator:
        query = queries.claims_filter(demand_id=demand_id, state=state)
    elif caller.org_type.value == "headhunter":
        query = queries.claims_filter(
            demand_id=demand_id, agency_id=caller.organisation_id, state=state
        )
    else:
        query = queries.claims_filter(
            demand_id=demand_id, enterprise=caller.organisation_id, state=state
        )
    return await queries.claims(deps.repos.claims, query, limit, offset)
