"""Domain job fairs (专场招聘会): run by an operator or a group of enterprises, with a
capacity of exhibitor places. A place is a counted unit; the registration records who
holds it (registered <-> cancelled)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from services.talent.domain.demands import DomainCode
from services.talent.domain.text import ShortText, Text, Title
from shared.errors import ConflictError, InvalidInput
from shared.limits import Code, Moment
from shared.transitions import Transition, step


class FairIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title
    description: Text = ""
    domains: list[DomainCode] = Field(min_length=1, max_length=10)
    venue: ShortText
    starts_at: Moment  # type: ignore[valid-type]
    ends_at: Moment  # type: ignore[valid-type]
    capacity: StrictInt = Field(ge=1, le=10_000, description="exhibitor places")
    co_organiser_org_ids: list[Code] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _order(self) -> FairIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class Fair(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    organiser_org_id: str
    spec: FairIn
    created_at: dt.datetime
    version: int = 0


class RegistrationState(StrEnum):
    registered = "registered"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


# A place is a counted unit; the waitlist is shared.units' FIFO. "promote" follows a
# cancellation that moved this waiter into the freed place.
TABLE = {
    (RegistrationState.cancelled, "register"): (RegistrationState.registered, "registered"),
    (RegistrationState.cancelled, "wait"): (RegistrationState.waitlisted, "waitlisted"),
    (RegistrationState.registered, "cancel"): (RegistrationState.cancelled, "cancelled"),
    (RegistrationState.waitlisted, "cancel"): (RegistrationState.cancelled, "cancelled"),
    (RegistrationState.waitlisted, "promote"): (RegistrationState.registered, "promoted"),
}


class Registration(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    fair_id: str
    org_id: str
    state: RegistrationState = RegistrationState.registered
    updated_at: dt.datetime
    version: int = 0


def publish(fair_id: str, organiser: str, spec: FairIn, now: dt.datetime) -> Transition[Fair]:
    if spec.starts_at <= now:
        raise InvalidInput(
            "starts_at",
            "starts_in_past",
            zh="开始时间必须晚于当前时间",
            en="starts_at must lie in the future",
        )
    fair = Fair(id=fair_id, organiser_org_id=organiser, spec=spec, created_at=now)
    return Transition[Fair](entity=fair, events=("published",))


def ensure_open(fair: Fair, now: dt.datetime) -> None:
    if now >= fair.spec.starts_at:
        raise ConflictError(
            "fair_id",
            "registration_closed",
            zh="招聘会已开始，报名已截止",
            en="registration closed when the fair started",
        )


def register(
    reg: Registration | None, fair_id: str, org_id: str, now: dt.datetime, *, held: bool
) -> Transition[Registration]:
    """A place taken (``held``) or a place on the waitlist."""
    if reg is None:
        reg = Registration(
            id=f"{fair_id}:{org_id}",
            fair_id=fair_id,
            org_id=org_id,
            state=RegistrationState.cancelled,
            updated_at=now,
        )
    return _apply(reg, "register" if held else "wait", now)


def _apply(reg: Registration, action: str, now: dt.datetime) -> Transition[Registration]:
    state, event = step(TABLE, reg.state, action, "registration")
    return Transition[Registration](
        entity=reg.model_copy(update={"state": state, "updated_at": now}),
        events=(event,) if event else (),
    )


def promote(reg: Registration, now: dt.datetime) -> Transition[Registration]:
    return _apply(reg, "promote", now)


def cancel(reg: Registration, now: dt.datetime) -> Transition[Registration]:
    return _apply(reg, "cancel", now)
