"""Tier-list use cases: manual changes by operators and district governments, and the
automatic cultivation rule (applied on registration, on update, on read and by the sweep)."""

from __future__ import annotations

import logging
from typing import Literal

from services.identity import events
from services.identity.domain.organisations import EnterpriseProfile
from services.identity.domain.records import Organisation
from services.identity.domain.tiers import (
    Actor,
    PlannedChange,
    Tier,
    TierChange,
    TierRuleError,
    apply_change,
    automatic_changes,
    manual_change,
)
from services.identity.errors import IdentityError, forbidden, not_found
from services.identity.usecases import Deps
from shared.auth import Caller
from shared.events import Envelope
from shared.store import Conflict

log = logging.getLogger(__name__)
SYSTEM = Actor()
MAX_ATTEMPTS = 8


def record_changes(
    deps: Deps, org: Organisation, planned: list[PlannedChange], actor: Actor
) -> tuple[Organisation, list[TierChange], list[Envelope]]:
    """Apply planned changes to ``org`` (version already bumped by the caller)."""
    now = deps.now()
    state = org.tiers
    history: list[TierChange] = []
    for change in planned:
        state = apply_change(state, change, now)
        history.append(
            TierChange(
                seq=len(org.tier_history) + len(history) + 1,
                tier=change.tier,
                action=change.action,
                reason=change.reason,
                automatic=change.automatic,
                at=now,
                by=SYSTEM if change.automatic else actor,
            )
        )
    org = org.model_copy(update={"tiers": state, "tier_history": org.tier_history + history})
    return org, history, [events.tier_changed(org, c) for c in history]


def due_automatic(deps: Deps, org: Organisation) -> list[PlannedChange]:
    profile = org.enterprise
    if profile is None or not org.verified:  # a self-sign-up joins the lists once verified
        return []
    return automatic_changes(
        org.tiers, profile.founding_date, profile.high_tech_certificate, deps.today()
    )


async def load_enterprise(deps: Deps, enterprise_id: str) -> Organisation:
    org = await deps.repos.organisations.get(enterprise_id)
    if org is None or org.enterprise is None:
        raise not_found("enterprise_id", "企业")
    return org


async def reconcile(deps: Deps, enterprise_id: str) -> Organisation:
    """Apply whatever the cultivation rule says is due today; returns the current state."""
    for _ in range(MAX_ATTEMPTS):
        org = await load_enterprise(deps, enterprise_id)
        planned = due_automatic(deps, org)
        if not planned:
            return org
        expected = org.version
        org = org.model_copy(update={"version": expected + 1, "updated_at": deps.now()})
        org, _, envelopes = record_changes(deps, org, planned, SYSTEM)
        try:
            return await deps.repos.organisations.save(
                org, expected_version=expected, envelopes=envelopes
            )
        except Conflict:
            continue  # someone else changed it first: judge again on the new state
    raise _busy()


def _busy() -> IdentityError:
    return IdentityError(409, "enterprise_id", "concurrent_update", "并发修改冲突 / try again")


def _may_manage(caller: Caller, profile: EnterpriseProfile) -> bool:
    if caller.is_operator:
        return True
    return caller.is_district_government and caller.district == profile.district.value


async def change_tier(
    deps: Deps,
    caller: Caller,
    enterprise_id: str,
    tier: Tier,
    action: Literal["add", "remove"],
    reason: str,
) -> TierChange:
    """An operator, or the enterprise's district government, adds or removes it."""
    if not (caller.is_operator or caller.is_district_government):
        raise forbidden(
            "org_type_not_allowed", "仅运营方或区政府可调整清单 / operators and districts only"
        )
    actor = Actor(
        user_id=caller.user_id, user_name=caller.user_name, organisation_id=caller.organisation_id
    )
    for _ in range(MAX_ATTEMPTS):
        org = await load_enterprise(deps, enterprise_id)
        profile = org.enterprise
        assert profile is not None
        if not _may_manage(caller, profile):
            raise forbidden("not_in_district", "该企业不在本区 / enterprise is in another district")
        planned = due_automatic(deps, org)
        org_after_auto = org
        if planned:  # bring state up to date before judging the request
            org_after_auto, _, _ = record_changes(deps, org, planned, SYSTEM)
        try:
            requested = manual_change(
                org_after_auto.tiers,
                tier,
                action,
                reason,
                profile.high_tech_certificate,
                deps.today(),
            )
        except TierRuleError as exc:
            raise IdentityError(
                409 if exc.conflict else 422, "tier", exc.reason, exc.message
            ) from None
        expected = org.version
        org = org.model_copy(update={"version": expected + 1, "updated_at": deps.now()})
        org, history, envelopes = record_changes(deps, org, [*planned, requested], actor)
        try:
            await deps.repos.organisations.save(org, expected_version=expected, envelopes=envelopes)
        except Conflict:
            continue  # another writer won this version: reload and judge the request again
        log.info("tier %s %s for %s by org %s", tier, action, org.id, caller.organisation_id)
        return history[-1]
    raise _busy()


async def sweep(deps: Deps) -> int:
    """Apply the cultivation rule to every enterprise; returns how many changed."""
    changed = 0
    for enterprise_id in await deps.repos.organisations.enterprise_ids():
        before = await deps.repos.organisations.get(enterprise_id)
        after = await reconcile(deps, enterprise_id)
        if before is not None and after.version != before.version:
            changed += 1
    return changed
