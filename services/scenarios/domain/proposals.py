"""Applications (揭榜): a proposal checked against the hard requirements at submission,
editable until the deadline and frozen after it; the award; delivery milestones.

One proposal per enterprise per scenario: its id is ``<scenario>--<enterprise>``, so a
second submission is a unique-insert conflict, not a duplicate.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from services.scenarios.domain.common import CodeStr, TrlLevel, Yuan
from services.scenarios.domain.scenarios import Requirements, Scenario, Tier
from shared.errors import ConflictError, InvalidInput
from shared.limits import Day, ShortText, Text, Title
from shared.transitions import Transition, step


class ProposalState(StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"
    awarded = "awarded"
    declined = "declined"
    delivered = "delivered"


P = ProposalState
TABLE = {
    (P.submitted, "update"): (P.submitted, "updated"),
    (P.submitted, "withdraw"): (P.withdrawn, "withdrawn"),
    (P.submitted, "award"): (P.awarded, "awarded"),
    (P.submitted, "decline"): (P.declined, "declined"),
    (P.awarded, "set_milestones"): (P.awarded, "set"),
    (P.awarded, "report"): (P.awarded, "reported"),
    (P.awarded, "accept"): (P.awarded, "accepted"),
}
EDITS = {"update", "withdraw"}  # only before the deadline


class Facts(BaseModel):
    """The facts the hard requirements are checked against. Qualifications and TRL are
    the applicant's declaration; tiers and Beijing registration are replaced by what
    identity says (its tier events, the organisation's district) before the check."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qualifications: list[CodeStr] = Field(default_factory=list, max_length=20)
    tiers: list[Tier] = Field(default_factory=list, max_length=3)
    beijing_registered: StrictBool = False
    trl: TrlLevel | None = None


class ProposalIn(BaseModel):
    """Approach, team (roles and head-count, no personal data), references and price."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    approach: Text = Field(min_length=1)  # type: ignore[valid-type]
    team: ShortText = ""  # type: ignore[valid-type]
    references: list[ShortText] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    price_cny: Yuan
    capability_id: ShortText | None = None  # type: ignore[valid-type]
    facts: Facts = Field(default_factory=Facts)


class MilestoneIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    due_on: Day  # type: ignore[valid-type]


class Milestone(MilestoneIn):
    state: Literal["planned", "reported", "accepted"] = "planned"


class Award(BaseModel):
    model_config = ConfigDict(frozen=True)

    slot: int
    rank: int
    departure_reason: str | None = None
    at: dt.datetime


class Proposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    scenario_id: str
    enterprise_org_id: str
    content: ProposalIn
    state: ProposalState = ProposalState.submitted
    award: Award | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    submitted_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def proposal_id(scenario_id: str, org_id: str) -> str:
    return f"{scenario_id}--{org_id}"


def unmet(req: Requirements, facts: Facts) -> list[tuple[str, str, str]]:
    """Every failed hard requirement as (field, zh, en), in a stated order."""
    out: list[tuple[str, str, str]] = []
    missing = [q for q in req.qualifications if q not in facts.qualifications]
    if missing:
        out.append(
            (
                "qualifications",
                f"缺少资质：{'、'.join(missing)}",
                f"missing qualifications: {', '.join(missing)}",
            )
        )
    if req.tier is not None and req.tier not in facts.tiers:
        out.append(("tier", f"须在{req.tier}企业清单内", f"must be on the {req.tier} tier list"))
    if req.beijing_registered and not facts.beijing_registered:
        out.append(("beijing_registered", "须为在京注册企业", "must be registered in Beijing"))
    if req.min_trl is not None and (facts.trl or 0) < req.min_trl:
        out.append(
            (
                "min_trl",
                f"技术成熟度须不低于{req.min_trl}级",
                f"technology readiness must be at least TRL {req.min_trl}",
            )
        )
    return out


def check_requirements(req: Requirements, facts: Facts) -> None:
    failed = unmet(req, facts)
    if failed:
        name, zh, en = failed[0]
        others = "; ".join(e for _, _, e in failed[1:])
        raise InvalidInput(
            f"requirements.{name}",
            f"requirement_not_met_{name}",
            zh=f"不满足硬性条件：{zh}",
            en=f"hard requirement not met: {en}" + (f" (also: {others})" if others else ""),
        )


def _open(scenario: Scenario, now: dt.datetime) -> None:
    if not scenario.open_for_applications(now):
        raise ConflictError(
            "deadline",
            "applications_closed",
            zh="该场景已截止申报或未开放",
            en="applications to this scenario are closed",
        )


def submit(
    scenario: Scenario, org_id: str, content: ProposalIn, now: dt.datetime
) -> Transition[Proposal]:
    _open(scenario, now)
    check_requirements(scenario.content.requirements, content.facts)
    p = Proposal(
        id=proposal_id(scenario.id, org_id),
        scenario_id=scenario.id,
        enterprise_org_id=org_id,
        content=content,
        submitted_at=now,
        updated_at=now,
    )
    return Transition[Proposal](entity=p, events=("submitted",))


def change(
    p: Proposal, scenario: Scenario, action: str, now: dt.datetime, **update: object
) -> Transition[Proposal]:
    """Edits and withdrawals only before the deadline (frozen after it)."""
    state, event = step(TABLE, p.state, action, "proposal")
    if action in EDITS and now >= scenario.content.deadline:
        raise ConflictError(
            "deadline",
            "proposal_frozen",
            zh="申报已截止，方案不可修改",
            en="the deadline has passed: the proposal is frozen",
        )
    if action == "update":
        content = update.get("content")
        assert isinstance(content, ProposalIn)
        check_requirements(scenario.content.requirements, content.facts)
    entity = p.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Proposal](entity=entity, events=(event,) if event else ())


def set_milestones(p: Proposal, items: list[MilestoneIn], now: dt.datetime) -> Transition[Proposal]:
    if any(m.state != "planned" for m in p.milestones):
        raise ConflictError(
            "milestones",
            "milestones_started",
            zh="已有里程碑进入交付，不能重设",
            en="milestones already under way cannot be replaced",
        )
    ms = [Milestone(title=m.title, due_on=m.due_on) for m in items]
    return change_milestones(p, "set_milestones", ms, now)


def advance_milestone(
    p: Proposal, index: int, action: str, now: dt.datetime
) -> Transition[Proposal]:
    """report: planned -> reported (enterprise); accept: reported -> accepted (publisher).
    The proposal is delivered once every milestone is accepted."""
    if not 0 <= index < len(p.milestones):
        raise InvalidInput("index", "no_such_milestone", zh="没有该里程碑", en="no such milestone")
    need, to = ("planned", "reported") if action == "report" else ("reported", "accepted")
    current = p.milestones[index]
    if current.state != need:
        raise ConflictError(
            "state",
            f"milestone_{current.state}",
            zh=f"里程碑当前状态（{current.state}）下不能执行该操作",
            en=f"cannot {action} a milestone that is {current.state}",
        )
    ms = list(p.milestones)
    ms[index] = current.model_copy(update={"state": to})
    return change_milestones(p, action, ms, now)


def change_milestones(
    p: Proposal, action: str, ms: list[Milestone], now: dt.datetime
) -> Transition[Proposal]:
    state, event = step(TABLE, p.state, action, "proposal")
    if ms and all(m.state == "accepted" for m in ms):
        state = ProposalState.delivered
    entity = p.model_copy(update={"state": state, "milestones": ms, "updated_at": now})
    return Transition[Proposal](entity=entity, events=(event,) if event else ())
