"""Pitch applications: enterprises apply; the operator sees them ranked (tier priority,
then match score) and selects presenters, each taking one pitch slot (a counted unit,
so concurrent selections never exceed the slots)."""

from __future__ import annotations

import contextlib
from typing import Any

from services.roadshows import events
from services.roadshows.domain import applications as domain
from services.roadshows.domain.applications import Application, ApplicationState, RankedApplication
from services.roadshows.domain.records import Pitch, priority_tier
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, not_found, records, require_owner
from services.roadshows.usecases import calendar as cal
from services.roadshows.usecases.records import PITCH
from shared.auth import Caller
from shared.errors import ConflictError
from shared.store import Conflict, Versioned
from shared.transitions import InvalidTransition

APPLICATION = not_found("application_id", "路演申请 / application")


def slots(roadshow_id: str) -> str:
    return f"roadshow:{roadshow_id}:slots"


async def apply(deps: Deps, caller: Caller, roadshow_id: str, pitch_id: str) -> Application:
    rs = await cal.get(deps, roadshow_id)
    pitch = (await deps.repos.pitches.require(pitch_id, PITCH)).state
    require_owner(caller, pitch.owner_org_id, "pitch_id")
    t = domain.apply(rs, pitch, deps.now())
    tier, score = await _weights(deps, [t.entity])
    evs = events.application_events(
        t.entity, rs, t.events, tier.get(pitch.owner_org_id), score.get(pitch.id, 0.0)
    )
    try:
        return (await deps.repos.applications.create(t.entity.id, t.entity, evs)).state
    except Conflict:
        raise ConflictError(
            "pitch_id", "already_applied", zh="该项目已申请本场路演", en="already applied"
        ) from None


async def _weights(deps: Deps, apps: list[Application]) -> tuple[dict[str, Any], dict[str, float]]:
    orgs = {a.enterprise_org_id for a in apps}
    tiers = await queries.every(deps.repos.tiers, queries.by_ids(orgs))
    scores = await queries.every(deps.repos.scores, queries.by_ids({a.pitch_id for a in apps}))
    return (
        {t.id: priority_tier(t.tiers) for t in tiers},
        {s.id: max(s.scores.values(), default=0.0) for s in scores},
    )


async def ranked(deps: Deps, roadshow_id: str) -> list[RankedApplication]:
    await cal.get(deps, roadshow_id)
    live = [ApplicationState.applied, ApplicationState.selected]
    apps = await queries.every(deps.repos.applications, queries.of_roadshow(roadshow_id, live))
    tiers, scores = await _weights(deps, apps)
    return domain.rank(apps, tiers, scores)


async def mine(deps: Deps, caller: Caller, roadshow_id: str) -> list[Application]:
    query = queries.of_party(roadshow_id, "enterprise_org_id", caller.organisation_id)
    return await queries.every(deps.repos.applications, query)


async def _decide(
    deps: Deps, app_id: str, action: str, caller: Caller | None = None
) -> Application:
    current = (await deps.repos.applications.require(app_id, APPLICATION)).state
    rs = await cal.get(deps, current.roadshow_id)
    tiers, scores = await _weights(deps, [current])

    def decide(cur: Versioned[Application]) -> tuple[Application, list[Any]]:
        if caller is not None:
            require_owner(caller, cur.state.enterprise_org_id, "application_id")
        t = domain.decide(cur.state, action, deps.now())
        return t.entity, events.application_events(
            t.entity, rs, t.events, tiers.get(t.entity.enterprise_org_id),
            scores.get(t.entity.pitch_id, 0.0),
        )  # fmt: skip

    return (await deps.repos.applications.update(app_id, decide, not_found=APPLICATION)).state


async def select(deps: Deps, app_id: str) -> Application:
    app = (await deps.repos.applications.require(app_id, APPLICATION)).state
    rs = await cal.get(deps, app.roadshow_id)
    domain.decide(app, "select", deps.now())  # refuse a wrong state before taking a slot
    got = await deps.repos.units.acquire(slots(rs.id), app.id, rs.content.pitch_slots)
    if got.status != "held":
        raise ConflictError(
            "pitch_slots", "slots_full", zh=f"路演名额已满（{rs.content.pitch_slots} 个）",
            en=f"all {rs.content.pitch_slots} pitch slots are taken",
        )  # fmt: skip
    try:
        return await _decide(deps, app_id, "select")
    except BaseException:
        await deps.repos.units.release(slots(rs.id), app.id)
        raise


async def decline(deps: Deps, app_id: str) -> Application:
    return await _decide(deps, app_id, "decline")


async def withdraw(deps: Deps, caller: Caller, app_id: str) -> Application:
    app = await _decide(deps, app_id, "withdraw", caller)
    await deps.repos.units.release(slots(app.roadshow_id), app.id)
    return app


async def withdraw_pitch(deps: Deps, caller: Caller, pitch_id: str) -> Pitch:
    """Withdraw a pitch and, with it, its open applications (a selected one frees its
    pitch slot), each with its own ``roadshows.application.withdrawn``."""
    pitch = await records.change_pitch(deps, caller, pitch_id, "withdraw")
    live = [ApplicationState.applied, ApplicationState.selected]
    for app in await queries.every(deps.repos.applications, queries.of_pitch(pitch_id, live)):
        with contextlib.suppress(InvalidTransition):  # withdrawn meanwhile
            await _decide(deps, app.id, "withdraw")
        await deps.repos.units.release(slots(app.roadshow_id), app.id)
    return pitch
