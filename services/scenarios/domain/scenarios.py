"""Application scenarios (应用场景) and the operator's batches of the city opportunity list.

A district government, a department or an SOE posts a scenario (``submitted``); the
operator publishes it in batch N of the year (``published``); the publisher publishes the
selection's results (``awarded``) and, once every awarded delivery is accepted, marks it
built (``completed``, 建成). Criteria weights must sum to 100.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from services.scenarios.domain.common import CodeStr, DomainCode, TrlLevel, Yuan
from shared.errors import InvalidInput
from shared.limits import Day, Keywords, Moment, ShortText, Text, Title
from shared.transitions import Transition, step

Tier = Literal["cultivation", "small_to_scale", "scale_to_strong"]


class ScenarioState(StrEnum):
    submitted = "submitted"
    published = "published"
    awarded = "awarded"
    completed = "completed"
    withdrawn = "withdrawn"


S = ScenarioState
TABLE = {
    (S.submitted, "update"): (S.submitted, None),
    (S.submitted, "publish"): (S.published, "published"),
    (S.submitted, "withdraw"): (S.withdrawn, "withdrawn"),
    (S.published, "withdraw"): (S.withdrawn, "withdrawn"),
    (S.published, "award"): (S.awarded, "awarded"),
    (S.awarded, "complete"): (S.completed, "completed"),
}


class Requirements(BaseModel):
    """Hard requirements (硬性条件): an application failing one is refused, naming it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qualifications: list[CodeStr] = Field(default_factory=list, max_length=20)
    tier: Tier | None = Field(None, description="tier list the applicant must be on")
    beijing_registered: StrictBool = Field(False, description="registered in Beijing")
    min_trl: TrlLevel | None = None


class Criterion(BaseModel):
    """A selection criterion scored 0..scale by each expert, weighted in percent."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: CodeStr
    name: Title  # type: ignore[valid-type]
    weight: StrictInt = Field(ge=1, le=100, description="percent; all weights sum to 100")
    scale: StrictInt = Field(10, ge=1, le=100, description="highest score")


class Timeline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_on: Day  # type: ignore[valid-type]
    ends_on: Day  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _ordered(self) -> Timeline:
        if self.ends_on < self.starts_on:
            raise ValueError("结束日期不能早于开始日期 / ends_on must not precede starts_on")
        return self


class ScenarioIn(BaseModel):
    """What a publisher gives: problem, domain, site, budget band, timeline, hard
    requirements, weighted criteria, the application deadline and the award slots."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    problem: Text  # type: ignore[valid-type]
    domain: DomainCode
    keywords: Keywords = Field(default_factory=list)  # type: ignore[valid-type]
    site: ShortText  # type: ignore[valid-type]
    district: ShortText | None = None  # type: ignore[valid-type]
    budget_cny: tuple[Yuan, Yuan] = Field(description="[min, max] in yuan")
    timeline: Timeline
    requirements: Requirements = Field(default_factory=Requirements)
    criteria: list[Criterion] = Field(min_length=1, max_length=10)
    deadline: Moment = Field(  # type: ignore[valid-type]
        description="applications close at (timezone required)"
    )
    award_slots: StrictInt = Field(1, ge=1, le=10, description="how many enterprises win")
    shortlist_size: StrictInt = Field(3, ge=1, le=50)

    @field_validator("budget_cny")
    @classmethod
    def _budget(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError("预算区间下限不能大于上限 / budget min must not exceed max")
        return value

    @field_validator("criteria")
    @classmethod
    def _weights(cls, value: list[Criterion]) -> list[Criterion]:
        total = sum(c.weight for c in value)
        if total != 100:
            raise ValueError(
                f"评审指标权重之和须为100%（现为{total}） / weights must sum to 100 (got {total})"
            )
        codes = [c.code for c in value]
        if len(set(codes)) != len(codes):
            raise ValueError("评审指标代码不能重复 / criterion codes must be unique")
        return value

    @field_validator("deadline")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("截止时间须带时区 / deadline needs a timezone")
        return value


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    publisher_org_id: str
    content: ScenarioIn
    state: ScenarioState = ScenarioState.submitted
    batch_id: str | None = None
    awarded_org_ids: list[str] = Field(default_factory=list)
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0

    def open_for_applications(self, now: dt.datetime) -> bool:
        return self.state is ScenarioState.published and now < self.content.deadline


def check_deadline(content: ScenarioIn, now: dt.datetime) -> None:
    if content.deadline <= now:
        raise InvalidInput(
            "deadline",
            "deadline_past",
            zh="申报截止时间须晚于当前时间",
            en="the deadline must be in the future",
        )


def submit(sid: str, publisher: str, content: ScenarioIn, now: dt.datetime) -> Transition[Scenario]:
    check_deadline(content, now)
    s = Scenario(
        id=sid, publisher_org_id=publisher, content=content, created_at=now, updated_at=now
    )
    return Transition[Scenario](entity=s, events=("submitted",))


def change(
    scenario: Scenario, action: str, now: dt.datetime, **update: object
) -> Transition[Scenario]:
    state, event = step(TABLE, scenario.state, action, "scenario")
    entity = scenario.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[Scenario](entity=entity, events=(event,) if event else ())


def publish_in(scenario: Scenario, batch_id: str, now: dt.datetime) -> Transition[Scenario]:
    """Publish in a batch; a scenario whose deadline has passed cannot be published."""
    if scenario.state is ScenarioState.submitted:
        check_deadline(scenario.content, now)
    return change(scenario, "publish", now, batch_id=batch_id)


class BatchIn(BaseModel):
    """Batch N of the year's city opportunity list (城市机会清单) and its scenarios."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    year: StrictInt = Field(ge=2022, le=2100)
    number: StrictInt = Field(ge=1, le=99)
    title: Title  # type: ignore[valid-type]
    scenario_ids: list[ShortText] = Field(min_length=1, max_length=200)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _unique(self) -> BatchIn:
        if len(set(self.scenario_ids)) != len(self.scenario_ids):
            raise ValueError("场景不能重复 / scenario ids must be unique")
        return self


class Batch(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    year: int
    number: int
    title: str
    scenario_ids: list[str]
    published_at: dt.datetime
    version: int = 0


def batch_id(year: int, number: int) -> str:
    return f"{year}-{number}"
