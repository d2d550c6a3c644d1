"""Domain job fairs: an operator or an enterprise (with co-organisers) publishes one; any
signed-in organisation registers for a place (a counted unit: never over capacity)."""

from __future__ import annotations

from services.talent import events
from services.talent.domain import fairs as domain
from services.talent.domain.fairs import Fair, FairIn, Registration, RegistrationState
from services.talent.storage import queries
from services.talent.usecases import Deps, new_id, not_found
from shared.auth import Caller
from shared.errors import ConflictError, ForbiddenError
from shared.store import Versioned
from shared.units import AlreadyHeld

FAIR = not_found("fair_id", "招聘会 / job fair")
REGISTRATION = not_found("fair_id", "报名 / registration")


def places(fair_id: str) -> str:
    return f"fair:{fair_id}:places"


async def publish(deps: Deps, caller: Caller, spec: FairIn) -> Fair:
    t = domain.publish(new_id("fair"), caller.organisation_id, spec, deps.now())
    return (
        await deps.repos.fairs.create(t.entity.id, t.entity, events.fair_events(t.entity, t.events))
    ).state


async def get(deps: Deps, fair_id: str) -> Fair:
    return (await deps.repos.fairs.require(fair_id, FAIR)).state


async def listing(deps: Deps, limit: int, offset: int) -> tuple[list[Fair], int]:
    return await queries.fairs(deps.repos.fairs, limit, offset)


async def register(deps: Deps, caller: Caller, fair_id: str) -> Registration:
    fair = await get(deps, fair_id)
    domain.ensure_open(fair, deps.now())
    org = caller.organisation_id
    try:
        got = await deps.repos.units.acquire(places(fair.id), org, fair.spec.capacity)
    except AlreadyHeld:
        raise ConflictError(
            "fair_id",
            "already_registered",
            zh="本机构已报名该招聘会",
            en="your organisation is registered already",
        ) from None
    if got.status != "held":
        raise ConflictError("fair_id", "fair_full", zh="招聘会名额已满", en="the fair is full")
    try:
        current = await deps.repos.registrations.get(f"{fair.id}:{org}")
        t = domain.register(current.state if current else None, fair.id, org, deps.now())
        saved = await deps.repos.registrations.save(
            t.entity.id,
            t.entity,
            current.version if current else 0,
            events.fair_events(fair, t.events, t.entity),
        )
    except BaseException:
        await deps.repos.units.release(places(fair.id), org)
        raise
    return saved.state


async def cancel(deps: Deps, caller: Caller, fair_id: str) -> Registration:
    fair = await get(deps, fair_id)

    def apply(current: Versioned[Registration]) -> tuple[Registration, list]:
        t = domain.cancel(current.state, deps.now())
        return t.entity, events.fair_events(fair, t.events, t.entity)

    reg = await deps.repos.registrations.update(
        f"{fair.id}:{caller.organisation_id}", apply, not_found=REGISTRATION
    )
    if reg.state.state is RegistrationState.cancelled:
        await deps.repos.units.release(places(fair.id), caller.organisation_id)
    return reg.state


async def registrations(
    deps: Deps, caller: Caller, fair_id: str, limit: int, offset: int
) -> tuple[list[Registration], int]:
    fair = await get(deps, fair_id)
    organisers = {fair.organiser_org_id, *fair.spec.co_organiser_org_ids}
    if not caller.is_operator and caller.organisation_id not in organisers:
        raise ForbiddenError(
            "fair_id",
            "not_organiser",
            zh="只有主办方可以查看报名名单",
            en="only organisers see the registrations",
        )
    return await queries.registrations(deps.repos.registrations, fair.id, limit, offset)
