"""Technology offers (科技成果) and needs (技术需求): content rules and lifecycle.

Lifecycle: draft → published → withdrawn | closed. Edits to a draft emit nothing; edits
to a published record emit ``updated``. Field names follow the matching data set
(``trl``, ``ip``, ``cooperation_modes``, ``budget_cny``, ``min_trl``) so projections
need no renaming.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
)

from shared.limits import Keyword, Moment, Title, no_control_chars

from .errors import Forbidden, Invalid, invalid_from_validation, zh
from .parties import RESEARCH_KINDS, OrgKind, Party
from .transitions import Transition, step


class RecordState(StrEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"
    closed = "closed"


class CooperationMode(StrEnum):
    transfer = "transfer"  # 转让
    license = "license"  # 许可
    equity = "equity"  # 作价入股
    joint_dev = "joint_dev"  # 合作开发


RECORD_TRANSITIONS: dict[tuple[RecordState, str], tuple[RecordState, str | None]] = {
    (RecordState.draft, "edit"): (RecordState.draft, None),
    (RecordState.draft, "publish"): (RecordState.published, "published"),
    (RecordState.published, "edit"): (RecordState.published, "updated"),
    (RecordState.published, "withdraw"): (RecordState.withdrawn, "withdrawn"),
    (RecordState.published, "close"): (RecordState.closed, "closed"),
}
RECORD_ACTIONS = ("edit", "publish", "withdraw", "close")

OFFER_OWNER_KINDS = RESEARCH_KINDS | {OrgKind.enterprise}
NEED_OWNER_KINDS = frozenset({OrgKind.enterprise})


# Open list of lower-case codes (ai, ic, energy, ...): the event contracts require this shape.
DomainCode = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]
# Bounded so a record can always be indexed (an immense keyword was dead-lettered by
# OpenSearch) and strict so ``"trl": true`` is refused instead of stored as TRL 1.
Description = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(no_control_chars)]
Patent = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_control_chars)]
Trl = Annotated[StrictInt, Field(ge=1, le=9)]
Yuan = Annotated[StrictInt, Field(ge=0, le=10**13)]
MAX_DOMAINS, MAX_KEYWORDS, MAX_PATENTS = 20, 20, 100


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


class _Content(BaseModel):
    """Fields an owner edits, common to offers and needs."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title = Field(examples=["蓄热式先进压缩空气储能系统"])
    description: Description
    domains: list[DomainCode] = Field(
        min_length=1, max_length=MAX_DOMAINS, description="domain codes, e.g. energy, ai"
    )
    keywords: list[Keyword] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    cooperation_modes: list[CooperationMode] = Field(min_length=1, max_length=4)
    deadline: Moment | None = Field(  # type: ignore[valid-type]
        None, description="open until; none = no deadline"
    )

    _dedupe = field_validator("domains", "keywords", "cooperation_modes")(_unique)


class OfferContent(_Content):
    """A technology achievement on offer."""

    trl: Trl = Field(description="technology readiness level 1-9")
    ip: StrictInt = Field(0, ge=0, le=100_000, description="number of patents")
    patents: list[Patent] = Field(
        default_factory=list, max_length=MAX_PATENTS, description="patent numbers, if given"
    )
    asking_price_cny: Yuan | None = Field(None, description="asking price in yuan")

    @field_validator("patents")
    @classmethod
    def _patents_unique(cls, value: list[str]) -> list[str]:
        return _unique(value)

    def matching_attributes(self) -> dict[str, Any]:
        """The ``attributes`` object of the matching data set for this offer."""
        return {"trl": self.trl, "cooperation_modes": list(self.cooperation_modes), "ip": self.ip}


class NeedContent(_Content):
    """An enterprise's technology need."""

    min_trl: Trl = Field(description="lowest acceptable TRL 1-9")
    budget_cny: tuple[Yuan, Yuan] | None = Field(None, description="[min, max] in yuan")

    @field_validator("budget_cny")
    @classmethod
    def _budget_range(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None:
            low, high = value
            if low < 0:
                raise ValueError("budget minimum must not be negative")
            if low > high:
                raise ValueError(f"budget minimum {low} is greater than maximum {high}")
        return value

    def matching_attributes(self) -> dict[str, Any]:
        """The ``attributes`` object of the matching data set for this need."""
        attributes: dict[str, Any] = {
            "min_trl": self.min_trl,
            "cooperation_modes": list(self.cooperation_modes),
        }
        if self.budget_cny is not None:
            attributes["budget_cny"] = list(self.budget_cny)
        return attributes


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    owner: Party
    state: RecordState = RecordState.draft
    version: int = Field(1, ge=1, description="bumped on every change; events carry it")
    created_at: AwareDatetime
    updated_at: AwareDatetime


class TechOffer(_Record):
    kind: Literal["tech_offer"] = "tech_offer"
    content: OfferContent


class TechNeed(_Record):
    kind: Literal["tech_need"] = "tech_need"
    content: NeedContent


Record = TechOffer | TechNeed
R = TypeVar("R", TechOffer, TechNeed)


def is_open(record: Record, now: datetime) -> bool:
    """Published and not past its deadline: others may express interest or bring it."""
    deadline = record.content.deadline
    return record.state is RecordState.published and (deadline is None or now < deadline)


def _check_deadline(deadline: datetime | None, now: datetime) -> None:
    if deadline is not None and deadline <= now:
        raise Invalid(
            "deadline",
            f"deadline {deadline.isoformat()} is in the past",
            zh=f"截止时间 {deadline.isoformat()} 已过",
        )


def _check_owner(record: Record, actor: Party, action: str) -> None:
    if actor.org_id != record.owner.org_id:
        raise Forbidden(
            "actor",
            f"only the owner may {action} this {record.kind}",
            zh=f"只有发布方可以{zh(action)}该{zh(record.kind)}",
        )


def create_offer(record_id: str, owner: Party, content: OfferContent, now: datetime) -> TechOffer:
    """A new draft offer; universities, institutes and enterprises (licensing out) may own one."""
    if owner.kind not in OFFER_OWNER_KINDS:
        raise Forbidden(
            "owner",
            f"a {owner.kind.value} may not publish technology offers",
            zh=f"{zh(owner.kind)}不能发布科技成果",
        )
    _check_deadline(content.deadline, now)
    return TechOffer(id=record_id, owner=owner, content=content, created_at=now, updated_at=now)


def create_need(record_id: str, owner: Party, content: NeedContent, now: datetime) -> TechNeed:
    """A new draft need; only enterprises post technology needs."""
    if owner.kind not in NEED_OWNER_KINDS:
        raise Forbidden(
            "owner",
            f"a {owner.kind.value} may not post technology needs",
            zh=f"{zh(owner.kind)}不能发布技术需求",
        )
    _check_deadline(content.deadline, now)
    return TechNeed(id=record_id, owner=owner, content=content, created_at=now, updated_at=now)


def _apply(record: R, action: str, now: datetime, **changes: Any) -> Transition[R]:
    state, event = step(RECORD_TRANSITIONS, record.state, action, record.kind)
    if event is None and not changes and state is record.state:
        return Transition[R](entity=record)
    updated = record.model_copy(
        update={"state": state, "version": record.version + 1, "updated_at": now, **changes}
    )
    return Transition[R](entity=updated, events=(event,) if event else ())


def publish(record: R, actor: Party, now: datetime) -> Transition[R]:
    """Make a draft visible; its deadline must still lie ahead."""
    _check_owner(record, actor, "publish")
    step(RECORD_TRANSITIONS, record.state, "publish", record.kind)
    _check_deadline(record.content.deadline, now)
    return _apply(record, "publish", now)


def edit(record: R, actor: Party, changes: Mapping[str, Any], now: datetime) -> Transition[R]:
    """Apply owner edits (a partial mapping of content fields); no-op edits emit nothing."""
    _check_owner(record, actor, "edit")
    step(RECORD_TRANSITIONS, record.state, "edit", record.kind)
    try:
        content = type(record.content).model_validate(record.content.model_dump() | dict(changes))
    except ValidationError as exc:
        raise invalid_from_validation(exc) from None
    if content == record.content:
        return Transition[R](entity=record)
    if content.deadline != record.content.deadline:
        _check_deadline(content.deadline, now)
    return _apply(record, "edit", now, content=content)


def withdraw(record: R, actor: Party, now: datetime) -> Transition[R]:
    """The owner takes a published record off the market."""
    _check_owner(record, actor, "withdraw")
    return _apply(record, "withdraw", now)


def close(record: R, actor: Party | None, now: datetime) -> Transition[R]:
    """Close a published record: by its owner (e.g. after a deal) or, with ``actor=None``,
    by the system once the deadline has passed."""
    if actor is not None:
        _check_owner(record, actor, "close")
    else:
        deadline = record.content.deadline
        if deadline is None or now < deadline:
            raise Invalid(
                "deadline",
                "the system closes a record only after its deadline",
                zh="系统只在截止时间之后关闭记录",
            )
    return _apply(record, "close", now)
