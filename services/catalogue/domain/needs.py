"""SOEs' procurement needs (the demand side of policy 12(2)): domain, required parameters,
budget band and a deadline in the future. Published at once; the owner may update or
withdraw it; past its deadline the sweeper withdraws it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.catalogue.domain.common import Band, DomainCode, Parameter
from shared.errors import InvalidInput
from shared.limits import Keyword, Moment, ShortText, Text, Title
from shared.transitions import Transition, step


class NeedSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    domains: list[DomainCode] = Field(min_length=1, max_length=5)
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)  # type: ignore[valid-type]
    parameters: list[Parameter] = Field(default_factory=list, max_length=30)
    budget_cny: Band | None = None
    theme: ShortText = ""  # type: ignore[valid-type]
    district: ShortText | None = None  # type: ignore[valid-type]
    deadline: Moment  # type: ignore[valid-type]


class NeedState(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


S = NeedState
TABLE = {
    (S.published, "update"): (S.published, "updated"),
    (S.published, "withdraw"): (S.withdrawn, "withdrawn"),
}


class Need(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    spec: NeedSpec
    state: NeedState = NeedState.published
    reason: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def _future(spec: NeedSpec, now: dt.datetime) -> None:
    if spec.deadline <= now:
        raise InvalidInput(
            "deadline",
            "deadline_in_past",
            zh="截止时间必须晚于当前时间",
            en="deadline must lie in the future",
        )


def post(need_id: str, owner: str, spec: NeedSpec, now: dt.datetime) -> Transition[Need]:
    _future(spec, now)
    n = Need(id=need_id, owner_org_id=owner, spec=spec, created_at=now, updated_at=now)
    return Transition[Need](entity=n, events=("published",))


def update(n: Need, spec: NeedSpec, now: dt.datetime) -> Transition[Need]:
    _future(spec, now)
    state, event = step(TABLE, n.state, "update", "need")
    return Transition[Need](
        entity=n.model_copy(update={"spec": spec, "state": state, "updated_at": now}),
        events=(event or "",),
    )


def withdraw(n: Need, reason: str, now: dt.datetime) -> Transition[Need]:
    state, event = step(TABLE, n.state, "withdraw", "need")
    entity = n.model_copy(update={"state": state, "reason": reason, "updated_at": now})
    return Transition[Need](entity=entity, events=(event or "",))


def ensure_open(n: Need, now: dt.datetime) -> None:
    if n.state is not NeedState.published or n.spec.deadline <= now:
        raise InvalidInput(
            "need_id",
            "need_closed",
            zh="该采购需求已关闭或已过截止时间",
            en="the need is closed or past its deadline",
        )
