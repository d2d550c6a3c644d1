"""Talent demands (人才选聘项目): what an enterprise wants, how agencies may claim it, and
its lifecycle published -> withdrawn | filled | closed.

Claim mode: ``exclusive`` (one agency holds the demand for ``exclusive_days``) or
``open`` (up to ``open_k`` agencies at once). The mode is fixed once published, since
claims are counted against it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from services.talent.domain.text import ShortText, Text, Title
from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.events.contracts._market import Seniority
from shared.limits import Keywords, Moment
from shared.transitions import Transition, step

DomainCode = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", min_length=1, max_length=40)]


class ClaimMode(StrEnum):
    exclusive = "exclusive"
    open = "open"


class DemandState(StrEnum):
    published = "published"
    withdrawn = "withdrawn"
    filled = "filled"
    closed = "closed"


# Every way off the market is "withdrawn" on the record topic, so matching drops it.
TABLE = {
    (DemandState.published, "edit"): (DemandState.published, "updated"),
    (DemandState.published, "withdraw"): (DemandState.withdrawn, "withdrawn"),
    (DemandState.published, "fill"): (DemandState.filled, "withdrawn"),
    (DemandState.published, "close"): (DemandState.closed, "withdrawn"),
}


class DemandContent(BaseModel):
    """What the enterprise writes; every field bounded."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title = Field(description="the role (岗位)", examples=["芯片验证工程师"])
    description: Text = ""
    domains: list[DomainCode] = Field(min_length=1, max_length=10, examples=[["ic"]])
    keywords: Keywords = Field(default_factory=list)
    seniority: Seniority
    count: StrictInt = Field(1, ge=1, le=100, description="people wanted")
    salary_band_cny: tuple[StrictInt, StrictInt] | None = Field(
        None, description="yearly salary [min, max] in yuan"
    )
    city: ShortText = "北京"
    district: ShortText | None = None
    deadline: Moment = Field(  # type: ignore[valid-type]
        description="the demand closes at this time"
    )
    claim_mode: ClaimMode
    open_k: StrictInt | None = Field(None, ge=1, le=20, description="open mode: agencies at once")
    exclusive_days: StrictInt | None = Field(
        None, ge=1, le=90, description="exclusive mode: days one agency holds it"
    )

    @field_validator("salary_band_cny")
    @classmethod
    def _band(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 0 <= value[0] <= value[1] <= 100_000_000:
            raise ValueError("salary band must be [min, max] with 0 <= min <= max <= 1e8")
        return value

    @field_validator("domains", "keywords")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Demand(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    content: DemandContent
    state: DemandState = DemandState.published
    claim_capacity: int = Field(ge=1, description="1 (exclusive) or K (open)")
    claim_days: int = Field(ge=1, description="how long one claim lasts")
    hired: list[str] = Field(default_factory=list, description="hired submission ids")
    reason: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def _check_deadline(deadline: dt.datetime, now: dt.datetime) -> None:
    if deadline <= now:
        raise InvalidInput(
            "deadline",
            "deadline_past",
            zh="截止时间必须晚于当前时间",
            en="deadline must lie in the future",
        )


def post(
    demand_id: str,
    owner_org_id: str,
    content: DemandContent,
    now: dt.datetime,
    *,
    default_k: int,
    default_days: int,
) -> Transition[Demand]:
    """A new published demand; the claim mode's numbers default from settings."""
    _check_deadline(content.deadline, now)
    if content.claim_mode is ClaimMode.exclusive and content.open_k is not None:
        raise InvalidInput(
            "open_k",
            "open_k_with_exclusive",
            zh="独家模式不能设置并行机构数",
            en="open_k applies to open mode only",
        )
    capacity = 1 if content.claim_mode is ClaimMode.exclusive else content.open_k or default_k
    demand = Demand(
        id=demand_id,
        owner_org_id=owner_org_id,
        content=content,
        claim_capacity=capacity,
        claim_days=content.exclusive_days or default_days,
        created_at=now,
        updated_at=now,
    )
    return Transition[Demand](entity=demand, events=("published",))


def ensure_owner(demand: Demand, org_id: str) -> None:
    if demand.owner_org_id != org_id:
        raise ForbiddenError(
            "demand_id",
            "not_owner",
            zh="只有发布该需求的企业可以操作",
            en="only the enterprise that posted this demand may do this",
        )


def _apply(demand: Demand, action: str, now: dt.datetime, **changes: object) -> Transition[Demand]:
    state, event = step(TABLE, demand.state, action, "demand")
    updated = demand.model_copy(update={"state": state, "updated_at": now, **changes})
    return Transition[Demand](entity=updated, events=(event,) if event else ())


FIXED = ("claim_mode", "open_k", "exclusive_days")


def edit(demand: Demand, content: DemandContent, now: dt.datetime) -> Transition[Demand]:
    """New content for a published demand; the claim mode and its numbers stay."""
    for name in FIXED:
        if getattr(content, name) != getattr(demand.content, name):
            raise ConflictError(
                name,
                "claim_mode_fixed",
                zh="认领模式发布后不能修改",
                en=f"{name} cannot change after publishing",
            )
    if content.deadline != demand.content.deadline:
        _check_deadline(content.deadline, now)
    if content == demand.content:
        return Transition[Demand](entity=demand)
    return _apply(demand, "edit", now, content=content)


def withdraw(demand: Demand, reason: str, now: dt.datetime) -> Transition[Demand]:
    return _apply(demand, "withdraw", now, reason=reason)


def record_hire(demand: Demand, candidate_id: str, now: dt.datetime) -> Transition[Demand]:
    """Count a hire (idempotent); the last wanted hire fills the demand."""
    if candidate_id in demand.hired:
        return Transition[Demand](entity=demand)
    hired = [*demand.hired, candidate_id]
    if len(hired) >= demand.content.count and demand.state is DemandState.published:
        return _apply(demand, "fill", now, hired=hired, reason="filled")
    return Transition[Demand](entity=demand.model_copy(update={"hired": hired, "updated_at": now}))


def close_if_past(demand: Demand, now: dt.datetime) -> Transition[Demand]:
    """The sweeper closes a published demand whose deadline has passed."""
    if demand.state is not DemandState.published or now < demand.content.deadline:
        return Transition[Demand](entity=demand)
    return _apply(demand, "close", now, reason="deadline")


def is_open(demand: Demand, now: dt.datetime) -> bool:
    return demand.state is DemandState.published and now < demand.content.deadline


def ensure_open(demand: Demand, now: dt.datetime) -> None:
    if not is_open(demand, now):
        raise ConflictError(
            "demand_id",
            "demand_closed",
            zh="该需求已关闭，不能认领或推荐",
            en="this demand is no longer open",
        )
