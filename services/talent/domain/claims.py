"""Claims: an agency working a demand. active -> released | expired | revoked.

The slot itself is a counted unit (``shared.units``): capacity 1 for an exclusive
demand, K for an open one, and a second resource per agency of capacity M. This module
holds the claim's record and its rules; ``units_freed`` marks that the slots were given
back, so a crash between the state change and the release is finished by the sweeper.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.errors import ConflictError, ForbiddenError
from shared.transitions import Transition, step


class ClaimState(StrEnum):
    active = "active"
    released = "released"
    expired = "expired"
    revoked = "revoked"


TABLE = {
    (ClaimState.active, "release"): (ClaimState.released, "released"),
    (ClaimState.active, "expire"): (ClaimState.expired, "expired"),
    (ClaimState.active, "revoke"): (ClaimState.revoked, "revoked"),
}


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    demand_id: str
    demand_title: str
    agency_id: str
    enterprise_org_id: str
    mode: str
    state: ClaimState = ClaimState.active
    claimed_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None
    reason: str = ""
    units_freed: bool = False
    reminded: bool = False
    version: int = 0


def grant(
    claim_id: str,
    *,
    demand_id: str,
    demand_title: str,
    agency_id: str,
    enterprise_org_id: str,
    mode: str,
    days: int,
    now: dt.datetime,
) -> Transition[Claim]:
    claim = Claim(
        id=claim_id,
        demand_id=demand_id,
        demand_title=demand_title,
        agency_id=agency_id,
        enterprise_org_id=enterprise_org_id,
        mode=mode,
        claimed_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    return Transition[Claim](entity=claim, events=("granted",))


def _end(claim: Claim, action: str, now: dt.datetime, reason: str) -> Transition[Claim]:
    state, event = step(TABLE, claim.state, action, "claim")
    ended = claim.model_copy(update={"state": state, "ended_at": now, "reason": reason})
    return Transition[Claim](entity=ended, events=(event,) if event else ())


def release(claim: Claim, now: dt.datetime, reason: str = "") -> Transition[Claim]:
    """The agency gives the claim back (or the demand left the market)."""
    return _end(claim, "release", now, reason)


def expire(claim: Claim, now: dt.datetime) -> Transition[Claim]:
    if now < claim.expires_at:
        raise ConflictError(
            "expires_at", "claim_not_due", zh="认领尚未到期", en="the claim has not expired yet"
        )
    return _end(claim, "expire", now, "expired")


def revoke(
    claim: Claim, enterprise_org_id: str, reason: str, now: dt.datetime
) -> Transition[Claim]:
    if claim.enterprise_org_id != enterprise_org_id:
        raise ForbiddenError(
            "claim_id",
            "not_owner",
            zh="只有发布需求的企业可以撤销认领",
            en="only the enterprise that posted the demand may revoke",
        )
    return _end(claim, "revoke", now, reason)


def remind(claim: Claim, now: dt.datetime, lead: dt.timedelta) -> Transition[Claim]:
    """Once, when an active claim is within ``lead`` of its expiry: tell the agency."""
    if claim.state is not ClaimState.active or claim.reminded or now < claim.expires_at - lead:
        return Transition[Claim](entity=claim)
    return Transition[Claim](
        entity=claim.model_copy(update={"reminded": True}), events=("reminded",)
    )


def freed(claim: Claim) -> Claim:
    """The claim's slots are back (no event: bookkeeping)."""
    return claim.model_copy(update={"units_freed": True})


def ensure_may_claim_again(past: list[Claim], mode: str, days: int, now: dt.datetime) -> None:
    """An agency's earlier claims on the same demand: a revoked one bars it for good (the
    enterprise asked it to stop); on an exclusive demand an expired one bars it for the
    claim period again, so the demand goes round instead of staying with one agency."""
    for old in past:
        if old.state is ClaimState.revoked:
            raise ConflictError(
                "demand_id",
                "claim_revoked_before",
                zh="企业已撤销过本机构对该需求的认领，不能再次认领",
                en="the enterprise revoked your agency's claim on this demand",
            )
        ended = old.ended_at or old.expires_at
        if (
            mode == "exclusive"
            and old.state is ClaimState.expired
            and now < ended + dt.timedelta(days=days)
        ):
            raise ConflictError(
                "demand_id",
                "cooling_off",
                zh=f"独家认领到期后 {days} 天内不能再次认领该需求",
                en=f"after an exclusive claim expires, your agency may claim "
                f"this demand again only {days} days later",
            )


def is_active(claim: Claim, now: dt.datetime) -> bool:
    return claim.state is ClaimState.active and now < claim.expires_at
