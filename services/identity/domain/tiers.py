"""Tier lists (培育清单, 小升规清单, 规升强清单) and the rules that move enterprises on and off.

Policy clause 1: an enterprise founded less than two years ago is put on the cultivation
list automatically; districts may recommend others. Clauses 5 and 7: districts recommend
*certified* high-tech enterprises for the small-to-scale and scale-to-strong lists.
Lists are managed dynamically, so every change is a record with who, when and why.

Rules chosen here (stated in the service README):
- an automatic cultivation entry leaves when the enterprise turns two or is certified;
- a manual (recommended) cultivation entry leaves automatically only on certification;
- after a manual removal from cultivation, the automatic rule does not put it back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from services.identity.domain.organisations import HighTechCertificate


class Tier(StrEnum):
    """The three lists."""

    cultivation = "cultivation"  # 培育清单 (筑基扩容)
    small_to_scale = "small_to_scale"  # 小升规清单
    scale_to_strong = "scale_to_strong"  # 规升强清单


TIER_NAMES_ZH = {
    Tier.cultivation: "培育清单",
    Tier.small_to_scale: "小升规清单",
    Tier.scale_to_strong: "规升强清单",
}
CERTIFIED_ONLY = frozenset({Tier.small_to_scale, Tier.scale_to_strong})

AUTO_ADD_REASON = (
    "注册成立未满两年，自动纳入培育清单（措施第1条） / founded less than two years ago"
)
AUTO_AGED_REASON = "注册成立已满两年，自动移出培育清单 / turned two years old"
AUTO_CERTIFIED_REASON = "已认定为高新技术企业，移出培育清单 / certified as a high-tech enterprise"


class Membership(BaseModel):
    """An enterprise's current place on one list."""

    since: dt.datetime
    source: Literal["auto", "manual"]
    reason: str


class Actor(BaseModel):
    """Who made a change: a signed-in user (by id and name) or the system rule."""

    user_id: str | None = None
    user_name: str | None = None
    organisation_id: str | None = None


class TierChange(BaseModel):
    """One entry of the append-only history."""

    seq: int = Field(ge=1)
    tier: Tier
    action: Literal["added", "removed"]
    reason: str
    automatic: bool
    at: dt.datetime
    by: Actor


class TierState(BaseModel):
    """Current memberships plus the flag that keeps a manual removal in force."""

    memberships: dict[Tier, Membership] = Field(default_factory=dict)
    auto_cultivation_suppressed: bool = False


@dataclass(frozen=True)
class TierRuleError(Exception):
    """A requested change the rules refuse; ``conflict`` maps to 409, otherwise 422."""

    reason: str
    message: str
    conflict: bool = False


@dataclass(frozen=True)
class PlannedChange:
    """A change decided by the rules, not yet numbered or stored."""

    tier: Tier
    action: Literal["added", "removed"]
    reason: str
    automatic: bool


def second_anniversary(founded: dt.date) -> dt.date:
    """The day an enterprise turns two (29 February rolls to 1 March)."""
    try:
        return founded.replace(year=founded.year + 2)
    except ValueError:
        return dt.date(founded.year + 2, 3, 1)


def is_under_two(founded: dt.date, today: dt.date) -> bool:
    """注册成立未满两年: true up to the day before the second anniversary."""
    return today < second_anniversary(founded)


def is_certified(cert: HighTechCertificate | None, today: dt.date) -> bool:
    """Holds a high-tech enterprise certificate that has not expired."""
    return cert is not None and cert.valid_on(today)


def automatic_changes(
    state: TierState, founded: dt.date, cert: HighTechCertificate | None, today: dt.date
) -> list[PlannedChange]:
    """What the cultivation rule changes on ``today`` (empty when nothing is due)."""
    certified = is_certified(cert, today)
    current = state.memberships.get(Tier.cultivation)
    if current is None:
        if is_under_two(founded, today) and not certified and not state.auto_cultivation_suppressed:
            return [PlannedChange(Tier.cultivation, "added", AUTO_ADD_REASON, True)]
        return []
    if certified:
        return [PlannedChange(Tier.cultivation, "removed", AUTO_CERTIFIED_REASON, True)]
    if current.source == "auto" and not is_under_two(founded, today):
        return [PlannedChange(Tier.cultivation, "removed", AUTO_AGED_REASON, True)]
    return []


def manual_change(
    state: TierState,
    tier: Tier,
    action: Literal["add", "remove"],
    reason: str,
    cert: HighTechCertificate | None,
    today: dt.date,
) -> PlannedChange:
    """Check a requested add/remove against the rules and plan it."""
    on_list = tier in state.memberships
    name = TIER_NAMES_ZH[tier]
    if action == "remove":
        if not on_list:
            raise TierRuleError("not_on_list", f"该企业不在{name}中 / not on this list", True)
        return PlannedChange(tier, "removed", reason, False)
    if on_list:
        raise TierRuleError("already_on_list", f"该企业已在{name}中 / already on this list", True)
    certified = is_certified(cert, today)
    if tier in CERTIFIED_ONLY and not certified:
        raise TierRuleError(
            "not_certified",
            f"仅有效期内的高新技术企业可纳入{name} / only certified high-tech enterprises",
        )
    if tier is Tier.cultivation and certified:
        raise TierRuleError(
            "already_certified",
            "已认定的高新技术企业无需纳入培育清单 / already certified high-tech",
        )
    return PlannedChange(tier, "added", reason, False)


def apply_change(state: TierState, change: PlannedChange, at: dt.datetime) -> TierState:
    """The state after ``change``; the history entry is recorded separately."""
    memberships = dict(state.memberships)
    suppressed = state.auto_cultivation_suppressed
    if change.action == "added":
        source: Literal["auto", "manual"] = "auto" if change.automatic else "manual"
        memberships[change.tier] = Membership(since=at, source=source, reason=change.reason)
        if change.tier is Tier.cultivation and not change.automatic:
            suppressed = False
    else:
        memberships.pop(change.tier, None)
        if change.tier is Tier.cultivation and not change.automatic:
            suppressed = True
    return TierState(memberships=memberships, auto_cultivation_suppressed=suppressed)
