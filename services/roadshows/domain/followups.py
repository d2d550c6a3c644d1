"""The follow-up funnel after a meeting: met -> due diligence -> term sheet -> invested
(amount and date) or passed (reason). The investor reports each step; the enterprise
confirms it (or disputes it, and the funnel stays where it was). A confirmed investment
is the outcome record."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.roadshows.domain.meetings import Meeting, MeetingState
from shared.errors import ConflictError, InvalidInput
from shared.limits import Day, ShortText
from shared.transitions import Transition

Stage = Literal["met", "due_diligence", "term_sheet", "invested", "passed"]
NEXT: dict[str | None, set[str]] = {
    None: {"met"},
    "met": {"due_diligence", "passed"},
    "due_diligence": {"term_sheet", "passed"},
    "term_sheet": {"invested", "passed"},
}
FINAL = {"invested", "passed"}


class StepReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    stage: Stage
    amount_cny: StrictInt | None = Field(None, ge=1, le=10**13, description="invested only")
    invested_on: Day | None = Field(  # type: ignore[valid-type]
        None, description="invested only"
    )
    reason: ShortText | None = Field(None, description="passed only")  # type: ignore[valid-type]


class Followup(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    meeting_id: str
    investor_org_id: str
    enterprise_org_id: str
    pitch_id: str
    stage: Stage | None = None
    pending: StepReport | None = None
    history: list[StepReport] = Field(default_factory=list)
    updated_at: dt.datetime
    version: int = 0


def start(m: Meeting, now: dt.datetime) -> Followup:
    if m.state is not MeetingState.scheduled:
        raise ConflictError(
            "meeting_id", "meeting_not_scheduled", zh="约见尚未排定，不能登记跟进",
            en="the meeting is not scheduled yet",
        )  # fmt: skip
    return Followup(
        id=m.id, meeting_id=m.id, investor_org_id=m.investor_org_id,
        enterprise_org_id=m.enterprise_org_id, pitch_id=m.pitch_id, updated_at=now,
    )  # fmt: skip


def report(f: Followup, r: StepReport, now: dt.datetime) -> Transition[Followup]:
    if f.stage in FINAL:
        raise ConflictError("stage", "funnel_closed", zh="跟进已结束", en="the funnel is closed")
    if f.pending is not None:
        raise ConflictError(
            "stage", "awaiting_confirmation", zh="上一步尚待企业确认",
            en="the last step awaits the enterprise's confirmation",
        )  # fmt: skip
    if r.stage not in NEXT[f.stage]:
        raise ConflictError(
            "stage", "out_of_order", zh=f"当前阶段（{f.stage or '无'}）之后不能登记 {r.stage}",
            en=f"{r.stage} cannot follow {f.stage or 'nothing'}",
        )  # fmt: skip
    if r.stage == "invested":
        if r.amount_cny is None:
            raise InvalidInput("amount_cny", "required", zh="需填写投资金额", en="amount required")
        if r.invested_on is None or r.invested_on > now.date():
            raise InvalidInput(
                "invested_on", "invalid_date", zh="需填写不晚于今天的投资日期",
                en="an investment date not in the future is required",
            )  # fmt: skip
    if r.stage == "passed" and not r.reason:
        raise InvalidInput("reason", "required", zh="需填写放弃原因", en="a reason is required")
    entity = f.model_copy(update={"pending": r, "updated_at": now})
    return Transition[Followup](entity=entity, events=("reported",))


def confirm(f: Followup, agree: bool, now: dt.datetime) -> Transition[Followup]:
    if f.pending is None:
        raise ConflictError(
            "stage", "nothing_reported", zh="没有待确认的进展", en="nothing awaits confirmation"
        )
    if not agree:
        entity = f.model_copy(update={"pending": None, "updated_at": now})
        return Transition[Followup](entity=entity, events=("disputed",))
    entity = f.model_copy(update={
        "stage": f.pending.stage, "pending": None, "history": [*f.history, f.pending],
        "updated_at": now,
    })  # fmt: skip
    events = ("confirmed", "investment") if f.pending.stage == "invested" else ("confirmed",)
    return Transition[Followup](entity=entity, events=events)


def outcome(f: Followup) -> StepReport | None:
    return next((h for h in f.history if h.stage == "invested"), None)
