"""Investor seats: a seat is a counted unit (exact under any number of concurrent
bookers), the rest wait first come first served; a cancel before the cut-off frees the
seat for the waitlist's head. The booking aggregate records each step as an event.

The unit is taken before the booking is saved, so a promotion can land on a waiter whose
booking is not written yet; :func:`reconcile` (after each cancel, after each booking and
in the sweep) brings such bookings up to the units."""

from __future__ import annotations

from typing import Any

from services.roadshows import events
from services.roadshows.domain import calendar as cal_domain
from services.roadshows.domain import seats as domain
from services.roadshows.domain.calendar import Roadshow
from services.roadshows.domain.seats import ACTIVE, Booking, MyBooking, SeatState, booking_id
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, not_found
from services.roadshows.usecases import calendar as cal
from shared.auth import Caller
from shared.errors import ConflictError
from shared.store import Versioned
from shared.units import AlreadyHeld

BOOKING = not_found("roadshow_id", "席位预订 / booking")


def seats(roadshow_id: str) -> str:
    return f"roadshow:{roadshow_id}:seats"


def _twice() -> ConflictError:
    return ConflictError(
        "roadshow_id", "already_booked", zh="本机构已预订或在候补名单中",
        en="your organisation already holds a seat or waits for one",
    )  # fmt: skip


async def book(deps: Deps, caller: Caller, roadshow_id: str) -> Booking:
    rs = await cal.get(deps, roadshow_id)
    cal_domain.ensure_open(rs, deps.now())
    investor = caller.organisation_id
    current = await deps.repos.bookings.get(booking_id(rs.id, investor))
    if current is not None and current.state.state in ACTIVE:
        raise _twice()
    resource, capacity = seats(rs.id), rs.content.investor_seats
    try:
        got = await deps.repos.units.acquire(resource, investor, capacity, wait=True)
    except AlreadyHeld:
        raise _twice() from None
    try:
        t = domain.book(current.state if current else None, rs, investor, got.unit, deps.now())
        saved = await deps.repos.bookings.save(
            t.entity.id, t.entity, current.version if current else 0,
            events.seat_events(t.entity, rs, t.events),
        )  # fmt: skip
    except BaseException:
        await deps.repos.units.release(resource, investor, capacity)
        raise
    if saved.state.state is SeatState.waitlisted:
        return await _promote(deps, rs, investor) or saved.state
    return saved.state


async def cancel(deps: Deps, caller: Caller, roadshow_id: str) -> Booking:
    rs = await cal.get(deps, roadshow_id)
    bid = booking_id(rs.id, caller.organisation_id)
    current = (await deps.repos.bookings.require(bid, BOOKING)).state
    if current.state is SeatState.held:
        domain.ensure_cancellable(rs, deps.now())

    def decide(cur: Versioned[Booking]) -> tuple[Booking, list[Any]]:
        if cur.state.state is SeatState.held:
            domain.ensure_cancellable(rs, deps.now())
        t = domain.move(cur.state, "cancel", deps.now(), seat=None)
        return t.entity, events.seat_events(cur.state, rs, t.events)

    saved = await deps.repos.bookings.update(bid, decide, not_found=BOOKING)
    await deps.repos.units.release(seats(rs.id), caller.organisation_id)
    await reconcile(deps, rs)
    return saved.state


async def _promote(deps: Deps, rs: Roadshow, investor: str) -> Booking | None:
    """Mark a waiter promoted if the units say it holds a seat now."""
    unit = await deps.repos.units.holding(seats(rs.id), investor)
    if unit is None:
        return None

    def decide(cur: Versioned[Booking]) -> tuple[Booking, list[Any]]:
        if cur.state.state is not SeatState.waitlisted:
            return cur.state, []
        t = domain.move(cur.state, "promote", deps.now(), seat=unit + 1)
        return t.entity, events.seat_events(t.entity, rs, t.events)

    found = await deps.repos.bookings.get(booking_id(rs.id, investor))
    if found is None:
        return None  # its booking is being written; that writer promotes it
    return (await deps.repos.bookings.update(found.state.id, decide, not_found=BOOKING)).state


async def reconcile(deps: Deps, rs: Roadshow) -> list[str]:
    """Promote waiters into free seats (FIFO) and record every promotion. When this call
    promoted someone, only they are looked at; when it did not (another promoter held the
    lock, or a joiner's acquire promoted the head), every waitlisted booking is checked."""
    promoted_now = await deps.repos.units.promote(seats(rs.id), rs.content.investor_seats)
    if promoted_now:
        done = [await _promote(deps, rs, holder) for holder in promoted_now]
        return [b.investor_org_id for b in done if b is not None and b.state is SeatState.held]
    waiting = await queries.every(
        deps.repos.bookings, queries.of_roadshow(rs.id, [SeatState.waitlisted])
    )
    promoted = []
    for b in waiting:
        after = await _promote(deps, rs, b.investor_org_id)
        if after is not None and after.state is SeatState.held:
            promoted.append(b.investor_org_id)
    return promoted


async def attend(deps: Deps, roadshow_id: str, investor: str) -> Booking:
    rs = await cal.get(deps, roadshow_id)

    def decide(cur: Versioned[Booking]) -> tuple[Booking, list[Any]]:
        t = domain.move(cur.state, "attend", deps.now())
        return t.entity, events.seat_events(t.entity, rs, t.events)

    bid = booking_id(rs.id, investor)
    return (await deps.repos.bookings.update(bid, decide, not_found=BOOKING)).state


async def mine(deps: Deps, caller: Caller, roadshow_id: str) -> MyBooking:
    """The caller's booking, with its waitlist place when it waits (a seat holder's read
    makes no waitlist read)."""
    bid = booking_id(roadshow_id, caller.organisation_id)
    b = (await deps.repos.bookings.require(bid, BOOKING)).state
    place = None
    if b.state is SeatState.waitlisted:
        place = await deps.repos.units.position(seats(roadshow_id), b.investor_org_id)
    return MyBooking(**b.model_dump(), position=place)


async def overview(deps: Deps, roadshow_id: str) -> dict[str, Any]:
    """Seats held and the waitlist in order (the operator's view)."""
    rs = await cal.get(deps, roadshow_id)
    held = await deps.repos.units.held(seats(rs.id), rs.content.investor_seats)
    waiters = await deps.repos.units.waiters(seats(rs.id))
    return {
        "roadshow_id": rs.id, "capacity": rs.content.investor_seats,
        "held": [{"seat": n + 1, "investor_org_id": h} for n, h in sorted(held.items())],
        "waitlist": waiters,
    }  # fmt: skip
