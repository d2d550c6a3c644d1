"""Brokerage sessions (对接洽谈会): session, registration, 1:1 meeting requests, ratings.

Operators create a session with time slots; owners of open offers and needs register
with the records they bring; registered participants request 1:1 meetings, which the
invitee accepts or declines and which expire if unanswered at the registration
deadline. After the deadline (or when an operator asks) ``schedule_session`` runs the
scheduler over the accepted requests. After the last slot each side rates the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from shared.limits import Day, Moment, Title, no_control_chars
from shared.scheduling import ScheduleResult, schedule

from .errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from .parties import OrgKind, Party
from .records import Record, is_open
from .transitions import Transition, step
from .tz import SHANGHAI


class SessionSpec(BaseModel):
    """What an operator fills in to create a session."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title = Field(examples=["人工智能领域科技成果对接洽谈会"])
    domain: str = Field(
        min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$", description="domain code, e.g. ai"
    )
    topic: Annotated[str, AfterValidator(no_control_chars)] | None = Field(None, max_length=200)
    day: Day  # type: ignore[valid-type]
    start_time: time = Field(description="first slot starts, Beijing time")
    slot_minutes: StrictInt = Field(ge=5, le=240)
    slot_count: StrictInt = Field(ge=1, le=48)
    tables_per_slot: StrictInt = Field(ge=1, le=1000)
    online: bool = False
    venue: Annotated[str, AfterValidator(no_control_chars)] | None = Field(
        None, max_length=300, description="required unless online"
    )
    registration_deadline: Moment  # type: ignore[valid-type]

    @field_validator("venue")
    @classmethod
    def _venue_unless_online(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value and not info.data.get("online"):
            raise ValueError("an on-site session needs a venue")
        return value


class BrokerageSession(SessionSpec):
    id: str = Field(min_length=1)
    created_by: Party


class TimeSlot(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="1-based slot number")
    start: AwareDatetime
    end: AwareDatetime


def time_slots(day: date, start: time, slot_minutes: int, count: int) -> list[TimeSlot]:
    """Back-to-back slots from ``start`` on ``day`` in Beijing time, numbered from 1."""
    first = datetime.combine(day, start, tzinfo=SHANGHAI)
    length = timedelta(minutes=slot_minutes)
    return [
        TimeSlot(number=i + 1, start=first + i * length, end=first + (i + 1) * length)
        for i in range(count)
    ]


def session_slots(session: SessionSpec) -> list[TimeSlot]:
    return time_slots(session.day, session.start_time, session.slot_minutes, session.slot_count)


def create_session(
    session_id: str, operator: Party, spec: SessionSpec, now: datetime
) -> Transition[BrokerageSession]:
    """An operator creates a session; registration must close before the first slot."""
    if operator.kind is not OrgKind.operator:
        raise Forbidden(
            "actor", "only operators create brokerage sessions", zh="只有运营方可以创建对接洽谈会"
        )
    if spec.registration_deadline <= now:
        raise Invalid(
            "registration_deadline",
            "the registration deadline is in the past",
            zh="报名截止时间已过",
        )
    if spec.registration_deadline > session_slots(spec)[0].start:
        raise Invalid(
            "registration_deadline",
            "registration must close before the first slot",
            zh="报名必须在第一个时段开始前截止",
        )
    session = BrokerageSession(id=session_id, created_by=operator, **spec.model_dump())
    return Transition[BrokerageSession](entity=session, events=("created",))


def _booking_open(session: BrokerageSession, now: datetime) -> None:
    if now >= session.registration_deadline:
        raise Conflict(
            "registration_deadline",
            f"registration and booking closed at {session.registration_deadline.isoformat()}",
            zh=f"报名和预约已于 {session.registration_deadline.isoformat()} 截止",
        )


class Registration(BaseModel):
    model_config = ConfigDict(frozen=True)

    session_id: str
    participant: Party
    record_ids: list[str] = Field(min_length=1, description="offers and needs brought along")
    unavailable_slots: frozenset[int] = frozenset()
    registered_at: AwareDatetime


def register(
    session: BrokerageSession,
    participant: Party,
    records: Sequence[Record],
    now: datetime,
    existing: Iterable[Registration] = (),
    unavailable_slots: Iterable[int] = (),
) -> Transition[Registration]:
    """Register the owner of open offers/needs, with the slots they cannot attend."""
    _booking_open(session, now)
    if any(r.participant.org_id == participant.org_id for r in existing):
        raise Conflict(
            "participant",
            "you are already registered for this session",
            zh="你已报名本场对接洽谈会",
        )
    if not records:
        raise Invalid(
            "record_ids",
            "bring at least one published offer or need",
            zh="请至少带上一项已发布的科技成果或技术需求",
        )
    for record in records:
        if record.owner.org_id != participant.org_id:
            raise Forbidden("record_ids", f"{record.id} is not yours", zh=f"{record.id} 不属于你")
        if not is_open(record, now):
            raise Invalid(
                "record_ids",
                f"{record.id} is not a published, open record",
                zh=f"{record.id} 不是已发布且开放的记录",
            )
    blocked = frozenset(unavailable_slots)
    if any(not 1 <= s <= session.slot_count for s in blocked):
        raise Invalid(
            "unavailable_slots",
            f"slots are numbered 1..{session.slot_count}",
            zh=f"时段编号为 1..{session.slot_count}",
        )
    registration = Registration(
        session_id=session.id,
        participant=participant,
        record_ids=[r.id for r in records],
        unavailable_slots=blocked,
        registered_at=now,
    )
    return Transition[Registration](entity=registration, events=("registered",))


class MeetingState(StrEnum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


MEETING_TRANSITIONS: dict[tuple[MeetingState, str], tuple[MeetingState, str | None]] = {
    (MeetingState.requested, "accept"): (MeetingState.accepted, "accepted"),
    (MeetingState.requested, "decline"): (MeetingState.declined, "declined"),
    (MeetingState.requested, "expire"): (MeetingState.expired, "expired"),
    (MeetingState.accepted, "lock"): (MeetingState.accepted, "locked"),
    (MeetingState.accepted, "place"): (MeetingState.accepted, "scheduled"),
    (MeetingState.accepted, "rate"): (MeetingState.accepted, "rated"),
}
MEETING_ACTIONS = ("accept", "decline", "expire", "lock", "place", "rate")


class MeetingOutcome(StrEnum):
    no_further_contact = "no_further_contact"  # 无后续联系
    follow_up_planned = "follow_up_planned"  # 计划跟进
    negotiating = "negotiating"  # 洽谈中
    agreement_reached = "agreement_reached"  # 达成协议


class MeetingRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    session_id: str
    requester: Party
    invitee: Party
    message: str = Field("", max_length=1000)
    state: MeetingState = MeetingState.requested
    created_at: AwareDatetime
    answered_at: AwareDatetime | None = None
    locked_at: tuple[int, int] | None = Field(None, description="(slot, table) fixed by operator")
    placement: tuple[int, int] | None = Field(None, description="(slot, table) from scheduling")
    ratings: dict[str, MeetingOutcome] = Field(default_factory=dict, description="org id → outcome")
    version: int = 1

    def sides(self) -> tuple[str, str]:
        return self.requester.org_id, self.invitee.org_id


def _apply(req: MeetingRequest, action: str, **changes: object) -> Transition[MeetingRequest]:
    state, event = step(MEETING_TRANSITIONS, req.state, action, "meeting request")
    updated = req.model_copy(update={"state": state, "version": req.version + 1, **changes})
    return Transition[MeetingRequest](entity=updated, events=(event,) if event else ())


def request_meeting(
    request_id: str,
    session: BrokerageSession,
    requester: Party,
    invitee: Party,
    now: datetime,
    registrations: Iterable[Registration],
    existing: Iterable[MeetingRequest] = (),
    message: str = "",
) -> Transition[MeetingRequest]:
    """A registered participant asks another for a 1:1 meeting before the deadline."""
    _booking_open(session, now)
    if requester.org_id == invitee.org_id:
        raise Invalid(
            "invitee", "you cannot request a meeting with yourself", zh="不能向自己发起洽谈请求"
        )
    registered = {r.participant.org_id for r in registrations if r.session_id == session.id}
    if requester.org_id not in registered:
        raise Forbidden(
            "actor",
            "register for the session before requesting meetings",
            zh="请先报名本场洽谈会再发起洽谈请求",
        )
    if invitee.org_id not in registered:
        raise NotFound(
            "invitee",
            f"{invitee.org_id} is not registered for this session",
            zh=f"{invitee.org_id} 未报名本场对接洽谈会",
        )
    pair = {requester.org_id, invitee.org_id}
    for other in existing:
        live = other.state in (MeetingState.requested, MeetingState.accepted)
        if live and other.session_id == session.id and set(other.sides()) == pair:
            raise Conflict(
                "invitee",
                f"meeting request {other.id} between you already exists",
                zh=f"你们之间已有洽谈请求 {other.id}",
            )
    req = MeetingRequest(
        id=request_id,
        session_id=session.id,
        requester=requester,
        invitee=invitee,
        message=message.strip(),
        created_at=now,
    )
    return Transition[MeetingRequest](entity=req, events=("requested",))


def _answer(req: MeetingRequest, actor: Party, session: BrokerageSession, now: datetime) -> None:
    if actor.org_id != req.invitee.org_id:
        raise Forbidden(
            "actor",
            "only the invited participant may answer this request",
            zh="只有被邀请方可以答复该请求",
        )
    step(MEETING_TRANSITIONS, req.state, "accept", "meeting request")
    if now >= session.registration_deadline:
        raise InvalidTransition(
            "state",
            "the request expired at the registration deadline",
            zh="该请求已于报名截止时过期",
        )


def accept_meeting(
    req: MeetingRequest, actor: Party, session: BrokerageSession, now: datetime
) -> Transition[MeetingRequest]:
    _answer(req, actor, session, now)
    return _apply(req, "accept", answered_at=now)


def decline_meeting(
    req: MeetingRequest, actor: Party, session: BrokerageSession, now: datetime
) -> Transition[MeetingRequest]:
    _answer(req, actor, session, now)
    return _apply(req, "decline", answered_at=now)


def expire_meeting(
    req: MeetingRequest, session: BrokerageSession, now: datetime
) -> Transition[MeetingRequest]:
    """The system expires a request still unanswered at the registration deadline."""
    step(MEETING_TRANSITIONS, req.state, "expire", "meeting request")
    if now < session.registration_deadline:
        raise Conflict(
            "registration_deadline",
            "requests expire only at the deadline",
            zh="请求只在截止时间过期",
        )
    return _apply(req, "expire", answered_at=now)


def lock_meeting(
    req: MeetingRequest, actor: Party, session: BrokerageSession, slot: int, table: int
) -> Transition[MeetingRequest]:
    """An operator pins an accepted meeting to (slot, table); the scheduler keeps it there."""
    if actor.kind is not OrgKind.operator:
        raise Forbidden("actor", "only operators lock meetings", zh="只有运营方可以锁定洽谈")
    if not 1 <= slot <= session.slot_count:
        raise Invalid(
            "slot",
            f"slots are numbered 1..{session.slot_count}",
            zh=f"时段编号为 1..{session.slot_count}",
        )
    if not 1 <= table <= session.tables_per_slot:
        raise Invalid(
            "table",
            f"tables are numbered 1..{session.tables_per_slot}",
            zh=f"桌号为 1..{session.tables_per_slot}",
        )
    return _apply(req, "lock", locked_at=(slot, table), placement=(slot, table))


def schedule_session(
    session: BrokerageSession,
    registrations: Iterable[Registration],
    requests: Iterable[MeetingRequest],
    now: datetime,
    *,
    operator_request: bool = False,
    seed: int = 0,
) -> ScheduleResult:
    """Run the scheduler over accepted requests (after the deadline, or when asked)."""
    if now < session.registration_deadline and not operator_request:
        raise Conflict(
            "registration_deadline",
            "scheduling runs after registration closes",
            zh="报名截止后才能排期",
        )
    accepted = [r for r in requests if r.state is MeetingState.accepted]
    return schedule(
        slots=range(1, session.slot_count + 1),
        tables_per_slot=session.tables_per_slot,
        meetings={r.id: r.sides() for r in accepted},
        unavailable={r.participant.org_id: r.unavailable_slots for r in registrations},
        locked={r.id: r.locked_at for r in accepted if r.locked_at is not None},
        seed=seed,
    )


def apply_schedule(
    requests: Iterable[MeetingRequest], result: ScheduleResult
) -> list[Transition[MeetingRequest]]:
    """Record each accepted request's placement; only changed requests are returned."""
    changed = []
    for req in requests:
        if req.state is MeetingState.accepted and result.placed.get(req.id) != req.placement:
            changed.append(_apply(req, "place", placement=result.placed.get(req.id)))
    return changed


def rate_meeting(
    req: MeetingRequest,
    actor: Party,
    outcome: MeetingOutcome,
    session: BrokerageSession,
    now: datetime,
) -> Transition[MeetingRequest]:
    """After the session each side rates a meeting that took place, once."""
    if actor.org_id not in req.sides():
        raise Forbidden(
            "actor", "only the two sides of a meeting may rate it", zh="只有洽谈双方可以评价"
        )
    step(MEETING_TRANSITIONS, req.state, "rate", "meeting request")
    if req.placement is None:
        raise Conflict("placement", "the meeting was not scheduled", zh="该洽谈未被排期")
    if now < session_slots(session)[-1].end:
        raise Conflict(
            "outcome", "meetings are rated after the session ends", zh="洽谈会结束后才能评价"
        )
    if actor.org_id in req.ratings:
        raise Conflict("outcome", "you have already rated this meeting", zh="你已评价过该洽谈")
    return _apply(req, "rate", ratings={**req.ratings, actor.org_id: outcome})
