"""Expressions of interest (意向) in a published offer or need.

open → accepted | declined (with reason) | expired | withdrawn. Only the record's owner
accepts or declines; only the interested party withdraws; the system expires an open
expression once its period (default 14 days) has run out. Contact details of both sides
are shown only after acceptance, and only to the two sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from shared.limits import no_control_chars

from .errors import Conflict, Forbidden, Invalid, InvalidTransition, zh
from .parties import RESEARCH_KINDS, OrgKind, Party
from .records import Record, is_open
from .transitions import Transition, step

DEFAULT_INTEREST_EXPIRY = timedelta(days=14)


class InterestState(StrEnum):
    open = "open"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    withdrawn = "withdrawn"


INTEREST_TRANSITIONS: dict[tuple[InterestState, str], tuple[InterestState, str | None]] = {
    (InterestState.open, "accept"): (InterestState.accepted, "accepted"),
    (InterestState.open, "decline"): (InterestState.declined, "declined"),
    (InterestState.open, "expire"): (InterestState.expired, "expired"),
    (InterestState.open, "withdraw"): (InterestState.withdrawn, "withdrawn"),
}
INTEREST_ACTIONS = ("accept", "decline", "expire", "withdraw")

# Who may express interest in which kind of record.
MAY_EXPRESS = {
    "tech_offer": frozenset({OrgKind.enterprise}),
    "tech_need": RESEARCH_KINDS | {OrgKind.enterprise},
}


class HowSoon(StrEnum):
    """Question 2: how soon the party wants to start."""

    within_1_month = "within_1_month"
    within_3_months = "within_3_months"
    within_6_months = "within_6_months"
    later = "later"


class BudgetFit(StrEnum):
    """Question 3: whether the price / budget on the record fits."""

    fits = "fits"
    negotiable = "negotiable"
    exceeds = "exceeds"
    unknown = "unknown"


class InterestAnswers(BaseModel):
    """The three fixed questions every expression of interest answers."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    purpose: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=1, max_length=1000, description="what the technology is for"
    )
    how_soon: HowSoon
    budget_fit: BudgetFit


class Interest(BaseModel):
    """One party's expression of interest in one record."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    record_id: str
    record_kind: Literal["tech_offer", "tech_need"]
    owner: Party = Field(description="the record's owner, who accepts or declines")
    interested: Party
    answers: InterestAnswers
    state: InterestState = InterestState.open
    created_at: AwareDatetime
    expires_at: AwareDatetime
    decided_at: AwareDatetime | None = None
    decline_reason: str | None = None
    version: int = 1


def expiry_time(created_at: datetime, period: timedelta = DEFAULT_INTEREST_EXPIRY) -> datetime:
    """When an unanswered expression made at ``created_at`` expires."""
    if period <= timedelta(0):
        raise Invalid("expiry_period", "the expiry period must be positive", zh="有效期必须为正")
    return created_at + period


def effective_state(interest: Interest, now: datetime) -> InterestState:
    """The state as of ``now``: an open expression past its expiry counts as expired."""
    if interest.state is InterestState.open and now >= interest.expires_at:
        return InterestState.expired
    return interest.state


def express_interest(
    interest_id: str,
    record: Record,
    party: Party,
    answers: InterestAnswers,
    now: datetime,
    existing: Iterable[Interest] = (),
    period: timedelta = DEFAULT_INTEREST_EXPIRY,
) -> Transition[Interest]:
    """Open an expression of interest; ``existing`` are the party's expressions on record."""
    if party.kind not in MAY_EXPRESS[record.kind]:
        raise Forbidden(
            "actor",
            f"a {party.kind.value} may not express interest in a {record.kind}",
            zh=f"{zh(party.kind)}不能对{zh(record.kind)}表达合作意向",
        )
    if party.org_id == record.owner.org_id:
        raise Forbidden(
            "actor",
            "you cannot express interest in your own record",
            zh="不能对自己的记录表达合作意向",
        )
    if not is_open(record, now):
        raise Conflict(
            "record_id",
            f"the {record.kind} is not open for interest",
            zh=f"该{zh(record.kind)}未开放合作意向",
        )
    for other in existing:
        same = other.record_id == record.id and other.interested.org_id == party.org_id
        if same and effective_state(other, now) is InterestState.open:
            raise Conflict(
                "record_id",
                "you already have an open expression of interest here",
                zh="你已对此提交过待处理的合作意向",
            )
    interest = Interest(
        id=interest_id,
        record_id=record.id,
        record_kind=record.kind,
        owner=record.owner,
        interested=party,
        answers=answers,
        created_at=now,
        expires_at=expiry_time(now, period),
    )
    return Transition[Interest](entity=interest, events=("expressed",))


def _apply(
    interest: Interest, action: str, now: datetime, **changes: object
) -> Transition[Interest]:
    state, event = step(INTEREST_TRANSITIONS, interest.state, action, "expression of interest")
    updated = interest.model_copy(
        update={"state": state, "decided_at": now, "version": interest.version + 1, **changes}
    )
    return Transition[Interest](entity=updated, events=(event,) if event else ())


def _answerable(interest: Interest, actor: Party, action: str, now: datetime) -> None:
    if actor.org_id != interest.owner.org_id:
        raise Forbidden(
            "actor",
            f"only the record's owner may {action} this expression",
            zh=f"只有记录的发布方可以{zh(action)}该合作意向",
        )
    step(INTEREST_TRANSITIONS, interest.state, action, "expression of interest")
    if effective_state(interest, now) is InterestState.expired:
        raise InvalidTransition(
            "state",
            f"the expression expired at {interest.expires_at}",
            zh=f"该合作意向已于 {interest.expires_at} 过期",
        )


def accept(interest: Interest, actor: Party, now: datetime) -> Transition[Interest]:
    """The owner accepts; from now on both sides see each other's contact details."""
    _answerable(interest, actor, "accept", now)
    return _apply(interest, "accept", now)


def decline(interest: Interest, actor: Party, reason: str, now: datetime) -> Transition[Interest]:
    """The owner declines, saying why."""
    _answerable(interest, actor, "decline", now)
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "a reason is required to decline", zh="拒绝须说明理由")
    return _apply(interest, "decline", now, decline_reason=reason[:1000])


def withdraw(interest: Interest, actor: Party, now: datetime) -> Transition[Interest]:
    """The interested party takes its expression back."""
    if actor.org_id != interest.interested.org_id:
        raise Forbidden(
            "actor",
            "only the interested party may withdraw this expression",
            zh="只有意向方可以撤回该合作意向",
        )
    return _apply(interest, "withdraw", now)


def expire(interest: Interest, now: datetime) -> Transition[Interest]:
    """The system expires an unanswered expression whose period has run out."""
    step(INTEREST_TRANSITIONS, interest.state, "expire", "expression of interest")
    if now < interest.expires_at:
        raise Conflict(
            "expires_at",
            f"the expression does not expire before {interest.expires_at}",
            zh=f"该合作意向在 {interest.expires_at} 之前不会过期",
        )
    return _apply(interest, "expire", now)


def contacts_visible(interest: Interest, viewer: Party) -> bool:
    """Contact details are shown only after acceptance, and only to the two sides."""
    sides = {interest.owner.org_id, interest.interested.org_id}
    return interest.state is InterestState.accepted and viewer.org_id in sides
