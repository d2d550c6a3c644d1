"""Domain job fairs: an operator or an enterprise (with co-organisers) publishes one; any
signed-in organisation registers for a place (a counted unit: never over capacity)."""

from __future__ import annotations

from services.talent import events
from services.talent.domain import fairs as domain
from services.talent.domain.fairs import Fair, FairIn, Registration
from services.talent.storage import queries
from services.talent.usecases import Deps, new_id, not_found
from shared.auth import Caller
from shared.errors import ConflictError, ForbiddenError
from shared.events import Envelope
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
    """A place, or a place on the FIFO waitlist when the fair is full."""
    fair = await get(deps, fair_id)
    domain.ensure_open(fair, deps.now())
    org = caller.organisation_id
    try:
        got = await deps.repos.units.acquire(places(fair.id), org, fair.spec.capacity, wait=True)
    except AlreadyHeld:
        raise ConflictError(
            "fair_id",
            "already_registered",
            zh="本机构已报名（或在候补中）",
            en="your organisation is registered or waitlisted already",
        ) from None
    try:
        current = await deps.repos.registrations.get(f"{fair.id}:{org}")
        t = domain.register(
            current.state if current else None, fair.id, org, deps.now(), held=got.status == "held"
        )
        saved = await deps.repos.registrations.save(
            t.entity.id,
            t.entity,
            current.version if current else 0,
            events.fair_events(fair, t.events, t.entity),
        )
    except BaseException:
        await deps.repos.units.release(places(fair.id), org, fair.spec.capacity)
        raise
    return saved.state


async def cancel(deps: Deps, caller: Caller, fair_id: str) -> Registration:
    """Give the place (or the waitlist place) back; the head of the waitlist moves up."""
    fair = await get(deps, fair_id)

    def apply(current: Versioned[Registration]) -> tuple[Registration, list]:
        t = domain.cancel(current.state, deps.now())
        return t.entity, events.fair_events(fair, t.events, t.entity)

    reg = await deps.repos.registrations.update(
        f"{fair.id}:{caller.organisation_id}", apply, not_found=REGISTRATION
    )
    await deps.repos.units.release(places(fair.id), caller.organisation_id)
    await promote_waiters(deps, fair)
    return reg.state


async def promote_waiters(deps: Deps, fair: Fair) -> list[str]:
    """Move waiters into free places, first come first, and record each promotion.

    Any waitlisted registration whose organisation holds a place is recorded, not only
    those this call moved: a registrant joining the waitlist while a place was free
    (between a release and this promotion) promotes the head itself, inside
    ``CountedUnits.acquire``, without knowing whose registration that is."""
    await deps.repos.units.promote(places(fair.id), fair.spec.capacity)

    def apply(current: Versioned[Registration]) -> tuple[Registration, list[Envelope]]:
        t = domain.promote(current.state, deps.now())
        return t.entity, events.fair_events(fair, t.events, t.entity)

    promoted: list[str] = []
    for reg in await queries.waitlisted(deps.repos.registrations, fair.id):
        if await deps.repos.units.holding(places(fair.id), reg.org_id) is None:
            continue
        try:
            await deps.repos.registrations.update(reg.id, apply, not_found=REGISTRATION)
            promoted.append(reg.org_id)
        except ConflictError:
            continue  # cancelled meanwhile (its cancel gives the place on) or recorded already
    return promoted


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
