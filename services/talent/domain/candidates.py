"""Candidate submissions and the hiring pipeline, with the placement a hire starts.

submitted -> shortlisted -> interviewed -> offer -> hired; the enterprise may reject and
the agency withdraw at any step before the hire (both with a reason). A hire starts a
guarantee period on the same aggregate (one save: the hire and its placement cannot part):
guaranteed -> qualified (the period ended without a leaver) | ended (a leaver report).

Personal data (``personal``) lives only here; events carry ids and ``person_hash``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.transitions import Transition, step


class Stage(StrEnum):
    submitted = "submitted"
    shortlisted = "shortlisted"
    interviewed = "interviewed"
    offer = "offer"
    hired = "hired"
    rejected = "rejected"
    withdrawn = "withdrawn"


OPEN_STAGES = (Stage.submitted, Stage.shortlisted, Stage.interviewed, Stage.offer)
NEXT = {
    "shortlist": Stage.shortlisted,
    "interview": Stage.interviewed,
    "offer": Stage.offer,
    "hire": Stage.hired,
}
TABLE = {
    (Stage.submitted, "shortlist"): (Stage.shortlisted, "advanced"),
    (Stage.shortlisted, "interview"): (Stage.interviewed, "advanced"),
    (Stage.interviewed, "offer"): (Stage.offer, "advanced"),
    (Stage.offer, "hire"): (Stage.hired, "advanced"),
    **{(s, "reject"): (Stage.rejected, "rejected") for s in OPEN_STAGES},
    **{(s, "withdraw"): (Stage.withdrawn, "withdrawn") for s in OPEN_STAGES},
}


class PlacementState(StrEnum):
    guaranteed = "guaranteed"
    qualified = "qualified"
    ended = "ended"


PLACEMENT_TABLE = {
    (PlacementState.guaranteed, "qualify"): (PlacementState.qualified, "qualified"),
    (PlacementState.guaranteed, "report_leaver"): (PlacementState.ended, "ended"),
}


class Personal(BaseModel):
    """The person: seen only by the enterprise and the submitting agency."""

    model_config = ConfigDict(frozen=True)

    name: str
    phone: str = Field(description="normalised 11-digit mobile")
    email: str | None = None
    summary: str = ""


class CvFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_id: str
    content_type: str
    size: int
    sha256: str


class Placement(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: PlacementState = PlacementState.guaranteed
    hired_at: dt.datetime
    guarantee_ends_at: dt.datetime
    ended_at: dt.datetime | None = None
    reason: str = ""


class StageChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: Stage
    at: dt.datetime
    reason: str = ""


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    demand_id: str
    role_title: str
    claim_id: str
    agency_id: str
    enterprise_org_id: str
    person_hash: str
    person_keys: list[str]
    personal: Personal
    cv: CvFile | None = None
    stage: Stage = Stage.submitted
    history: list[StageChange] = Field(default_factory=list)
    placement: Placement | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def submit(candidate: Candidate) -> Transition[Candidate]:
    first = StageChange(stage=Stage.submitted, at=candidate.created_at)
    return Transition[Candidate](
        entity=candidate.model_copy(update={"history": [first]}), events=("submitted",)
    )


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "reason_required", zh="请填写原因", en="a reason is required")
    return reason


def _move(c: Candidate, action: str, now: dt.datetime, reason: str = "") -> Candidate:
    stage, _ = step(TABLE, c.stage, action, "candidate")
    history = [*c.history, StageChange(stage=stage, at=now, reason=reason)]
    return c.model_copy(update={"stage": stage, "history": history, "updated_at": now})


def advance(
    c: Candidate, action: str, enterprise_org_id: str, now: dt.datetime, guarantee_days: int
) -> Transition[Candidate]:
    """The enterprise moves the candidate one step on; ``hire`` starts the guarantee."""
    if action not in NEXT:
        raise InvalidInput("action", "unknown_action", zh="未知的流程操作", en=f"unknown {action}")
    ensure_enterprise(c, enterprise_org_id)
    moved = _move(c, action, now)
    if action != "hire":
        return Transition[Candidate](entity=moved, events=("advanced",))
    placement = Placement(hired_at=now, guarantee_ends_at=now + dt.timedelta(days=guarantee_days))
    return Transition[Candidate](
        entity=moved.model_copy(update={"placement": placement}),
        events=("advanced", "placement_started"),
    )


def reject(
    c: Candidate, enterprise_org_id: str, reason: str, now: dt.datetime
) -> Transition[Candidate]:
    ensure_enterprise(c, enterprise_org_id)
    reason = _require_reason(reason)
    return Transition[Candidate](entity=_move(c, "reject", now, reason), events=("rejected",))


def withdraw(c: Candidate, agency_id: str, reason: str, now: dt.datetime) -> Transition[Candidate]:
    if c.agency_id != agency_id:
        raise ForbiddenError(
            "candidate_id",
            "not_submitter",
            zh="只有推荐该候选人的机构可以撤回",
            en="only the submitting agency may withdraw",
        )
    reason = _require_reason(reason)
    return Transition[Candidate](entity=_move(c, "withdraw", now, reason), events=("withdrawn",))


def _placement(c: Candidate, action: str, now: dt.datetime, reason: str) -> Transition[Candidate]:
    if c.placement is None:
        raise ConflictError("placement", "not_hired", zh="该候选人尚未入职", en="not hired")
    state, event = step(PLACEMENT_TABLE, c.placement.state, action, "placement")
    placement = c.placement.model_copy(update={"state": state, "ended_at": now, "reason": reason})
    entity = c.model_copy(update={"placement": placement, "updated_at": now})
    return Transition[Candidate](entity=entity, events=(f"placement_{event}",))


def qualify(c: Candidate, now: dt.datetime) -> Transition[Candidate]:
    """The guarantee period ended without a leaver report: support-eligible."""
    if c.placement is None or now < c.placement.guarantee_ends_at:
        raise ConflictError(
            "guarantee_ends_at",
            "guarantee_running",
            zh="保证期尚未结束",
            en="the guarantee period has not ended",
        )
    return _placement(c, "qualify", now, "")


def report_leaver(
    c: Candidate, enterprise_org_id: str, reason: str, now: dt.datetime
) -> Transition[Candidate]:
    ensure_enterprise(c, enterprise_org_id)
    reason = _require_reason(reason)
    if c.placement is not None and now >= c.placement.guarantee_ends_at:
        raise ConflictError(
            "placement", "guarantee_over", zh="保证期已结束", en="guarantee is over"
        )
    return _placement(c, "report_leaver", now, reason)


def ensure_enterprise(c: Candidate, org_id: str) -> None:
    if c.enterprise_org_id != org_id:
        raise ForbiddenError(
            "candidate_id",
            "not_owner",
            zh="只有发布需求的企业可以操作",
            en="only the enterprise that posted the demand may do this",
        )


def attach_cv(c: Candidate, cv: CvFile, now: dt.datetime) -> Transition[Candidate]:
    """A (new) CV for a submission still in the pipeline."""
    if c.stage not in OPEN_STAGES:
        raise ConflictError(
            "stage",
            "candidate_closed",
            zh="该推荐已结束，不能更换简历",
            en="this submission is closed",
        )
    return Transition[Candidate](
        entity=c.model_copy(update={"cv": cv, "updated_at": now}), events=("cv_attached",)
    )


def may_see(c: Candidate, org_id: str) -> bool:
    """Personal data: the demand's enterprise and the submitting agency, nobody else."""
    return org_id in (c.enterprise_org_id, c.agency_id)
