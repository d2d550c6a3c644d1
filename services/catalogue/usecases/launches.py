"""Launch events: the operator schedules them with presenting products from the edition in
force; any signed-in organisation registers. A seat is a counted unit (exact under any
number of concurrent registrations); the rest wait first come first served and are
promoted when a seat is cancelled. The unit is taken before the registration is saved,
so a promotion can land on a waiter whose registration is not written yet;
:func:`reconcile` (after each cancel and registration, and in the sweep) brings such
registrations up to the units."""

from __future__ import annotations

from typing import Any

from services.catalogue import events
from services.catalogue.domain import launches as domain
from services.catalogue.domain import products as product_domain
from services.catalogue.domain.launches import (
    ACTIVE,
    Launch,
    LaunchIn,
    LaunchState,
    Lead,
    MyRegistration,
    Registration,
    SeatState,
)
from services.catalogue.storage import queries
from services.catalogue.usecases import Deps, new_id, not_found
from services.catalogue.usecases.editions import in_force
from shared.auth import Caller
from shared.errors import ConflictError, InvalidInput, Problem
from shared.store import Conflict, Versioned
from shared.units import AlreadyHeld

LAUNCH = not_found("event_id", "活动 / launch event")
REGISTRATION = not_found("event_id", "报名 / registration")
EVENT_CANCELLED = "活动已取消 / the event was cancelled"


def seats(event_id: str) -> str:
    return f"launch:{event_id}:seats"


async def schedule(deps: Deps, caller: Caller, spec: LaunchIn) -> Launch:
    edition = await in_force(deps)
    problems, presenters = [], {}
    for i, pid in enumerate(spec.product_ids):
        found = await deps.repos.products.get(pid)
        if (
            edition is None
            or pid not in edition.entries
            or found is None
            or not product_domain.is_listed(found.state, deps.now())
        ):
            problems.append(
                Problem(
                    f"product_ids.{i}",
                    "not_in_edition",
                    f"产品 {pid} 不在现行清单中",
                    f"product {pid} is not listed in the edition in force",
                )
            )
        else:
            presenters[pid] = found.state.owner_org_id
    if problems:
        raise InvalidInput.of(problems)
    t = domain.schedule(
        new_id("launch"),
        caller.organisation_id,
        spec,
        presenters,
        edition.id if edition else None,
        deps.now(),
    )
    saved = await deps.repos.launches.create(
        t.entity.id, t.entity, events.launch_events(t.entity, t.events)
    )
    return saved.state


async def get(deps: Deps, event_id: str) -> Launch:
    return (await deps.repos.launches.require(event_id, LAUNCH)).state


async def listing(deps: Deps, limit: int, offset: int) -> tuple[list[Launch], int]:
    return await queries.page(
        deps.repos.launches, {}, limit, offset, [("spec.starts_at", 1), ("_id", 1)]
    )


async def _launch_move(deps: Deps, event_id: str, decide: Any) -> Launch:
    def apply(cur: Versioned[Launch]) -> tuple[Launch, list[Any]]:
        t = decide(cur.state)
        return t.entity, events.launch_events(t.entity, t.events)

    return (await deps.repos.launches.update(event_id, apply, not_found=LAUNCH)).state


async def cancel_launch(deps: Deps, event_id: str) -> Launch:
    """Cancel the event, then every seat and waitlist place in it (each registrant gets
    its ``registration.cancelled``; the units go back without promoting anyone)."""
    e = await _launch_move(deps, event_id, domain.cancel_launch)
    active = [SeatState.registered.value, SeatState.waitlisted.value]
    for r in await queries.every(deps.repos.registrations, queries.of_event(e.id, active)):

        def decide(cur: Versioned[Registration]) -> tuple[Registration, list[Any]]:
            if cur.state.state not in (SeatState.registered, SeatState.waitlisted):
                return cur.state, []
            t = domain.move(cur.state, "cancel", deps.now(), seat=None, reason=EVENT_CANCELLED)
            return t.entity, events.registration_events(t.entity, e, t.events)

        await deps.repos.registrations.update(r.id, decide, not_found=REGISTRATION)
        await deps.repos.units.release(seats(e.id), r.org_id)
    return e


def _twice() -> ConflictError:
    return ConflictError(
        "event_id",
        "already_registered",
        zh="本机构已报名或在候补名单中",
        en="your organisation is registered or waitlisted already",
    )


async def register(
    deps: Deps, caller: Caller, event_id: str, waitlist: bool = True
) -> Registration:
    e = await get(deps, event_id)
    domain.ensure_open(e, deps.now())
    org = caller.organisation_id
    current = await deps.repos.registrations.get(domain.registration_id(e.id, org))
    if current is not None and current.state.state in ACTIVE:
        raise _twice()
    resource, capacity = seats(e.id), e.spec.capacity
    try:
        got = await deps.repos.units.acquire(resource, org, capacity, wait=waitlist)
    except AlreadyHeld:
        raise _twice() from None
    if got.status == "full":
        raise ConflictError("event_id", "event_full", zh="活动名额已满", en="the event is full")
    try:
        t = domain.register(
            current.state if current else None,
            e.id,
            org,
            caller.org_type.value,
            got.unit,
            deps.now(),
        )
        saved = await deps.repos.registrations.save(
            t.entity.id,
            t.entity,
            current.version if current else 0,
            events.registration_events(t.entity, e, t.events),
        )
    except BaseException:
        await deps.repos.units.release(resource, org, capacity)
        raise
    if saved.state.state is SeatState.waitlisted:
        return await _promote(deps, e, org) or saved.state
    return saved.state


async def cancel(deps: Deps, caller: Caller, event_id: str) -> Registration:
    e = await get(deps, event_id)
    rid = domain.registration_id(e.id, caller.organisation_id)

    def decide(cur: Versioned[Registration]) -> tuple[Registration, list[Any]]:
        t = domain.move(cur.state, "cancel", deps.now(), seat=None)
        return t.entity, events.registration_events(t.entity, e, t.events)

    saved = await deps.repos.registrations.update(rid, decide, not_found=REGISTRATION)
    await deps.repos.units.release(seats(e.id), caller.organisation_id)
    await reconcile(deps, e)
    return saved.state


async def _promote(deps: Deps, e: Launch, org: str) -> Registration | None:
    """Mark a waiter promoted if the units say it holds a seat now."""
    unit = await deps.repos.units.holding(seats(e.id), org)
    if unit is None:
        return None

    def decide(cur: Versioned[Registration]) -> tuple[Registration, list[Any]]:
        if cur.state.state is not SeatState.waitlisted:
            return cur.state, []
        t = domain.move(cur.state, "promote", deps.now(), seat=unit + 1)
        return t.entity, events.registration_events(t.entity, e, t.events)

    found = await deps.repos.registrations.get(domain.registration_id(e.id, org))
    if found is None or found.state.state is not SeatState.waitlisted:
        return None  # being written (its writer promotes it) or promoted already
    return (
        await deps.repos.registrations.update(found.state.id, decide, not_found=REGISTRATION)
    ).state


async def reconcile(deps: Deps, e: Launch) -> list[str]:
    """Promote waiters into free seats (FIFO) and record every promotion."""
    await deps.repos.units.promote(seats(e.id), e.spec.capacity)
    waiting = await queries.every(
        deps.repos.registrations, {"event_id": e.id, "state": SeatState.waitlisted.value}
    )
    promoted = []
    for r in waiting:
        after = await _promote(deps, e, r.org_id)
        if after is not None and after.state is SeatState.registered:
            promoted.append(r.org_id)
    return promoted


async def mine(deps: Deps, caller: Caller, event_id: str) -> MyRegistration:
    """The caller's registration, with its waitlist place when it waits (a seat holder's
    read makes no waitlist read)."""
    rid = domain.registration_id(event_id, caller.organisation_id)
    r = (await deps.repos.registrations.require(rid, REGISTRATION)).state
    place = None
    if r.state is SeatState.waitlisted:
        place = await deps.repos.units.position(seats(event_id), r.org_id)
    return MyRegistration(**r.model_dump(), position=place)


async def registrations(
    deps: Deps, event_id: str, state: str | None, limit: int, offset: int
) -> tuple[list[Registration], int]:
    e = await get(deps, event_id)
    query = queries.where(event_id=e.id, state=state)
    return await queries.page(
        deps.repos.registrations, query, limit, offset, [("created_at", 1), ("_id", 1)]
    )


async def seat_overview(deps: Deps, event_id: str) -> dict[str, Any]:
    e = await get(deps, event_id)
    held = await deps.repos.units.held(seats(e.id), e.spec.capacity)
    return {
        "event_id": e.id,
        "capacity": e.spec.capacity,
        "held": len(held),
        "waitlist": await deps.repos.units.waiters(seats(e.id)),
    }


async def check_in(deps: Deps, event_id: str, org_id: str) -> Registration:
    e = await get(deps, event_id)
    if e.state is not LaunchState.scheduled:
        raise ConflictError(
            "event_id",
            f"launch_{e.state.value}",
            zh="活动已取消或已结束，不能签到",
            en=f"the event is {e.state.value}: no check-in",
        )

    def decide(cur: Versioned[Registration]) -> tuple[Registration, list[Any]]:
        t = domain.move(cur.state, "attend", deps.now())
        return t.entity, events.registration_events(t.entity, e, t.events)

    rid = domain.registration_id(e.id, org_id)
    return (await deps.repos.registrations.update(rid, decide, not_found=REGISTRATION)).state


async def hold(deps: Deps, event_id: str) -> tuple[Launch, int]:
    """Mark the event held and pass each attendee to each presenter as a lead. Again on a
    held event it only re-creates leads that are missing (unique ids: no duplicates)."""
    e = await get(deps, event_id)
    if e.state is not LaunchState.held:
        e = await _launch_move(deps, event_id, lambda cur: domain.hold(cur, deps.now()))
    attended = await queries.every(
        deps.repos.registrations, {"event_id": e.id, "state": SeatState.attended.value}
    )
    made = 0
    for lead in domain.leads(e, attended, deps.now()):
        try:
            await deps.repos.leads.create(lead.id, lead, events.lead_events(lead))
            made += 1
        except Conflict:
            continue
    return e, made


async def leads(
    deps: Deps, caller: Caller, event_id: str | None, limit: int, offset: int
) -> tuple[list[Lead], int]:
    owner = None if caller.is_operator else caller.organisation_id
    query = queries.where(presenter_org_id=owner, event_id=event_id)
    return await queries.page(
        deps.repos.leads, query, limit, offset, [("created_at", -1), ("_id", 1)]
    )


async def reconcile_open(deps: Deps) -> int:
    scheduled = await queries.every(deps.repos.launches, {"state": LaunchState.scheduled.value})
    return sum([len(await reconcile(deps, e)) for e in scheduled])
