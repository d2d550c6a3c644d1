"""Contracts of the technology-transfer workflow after a match (policy 9(4)).

Expressions of interest, reported deals, brokerage sessions and their 1:1 meetings.
Field sets follow what ``services/techtransfer/events.py`` builds; one model per verb
so each type has its own contract. Re-exported by :mod:`.techtransfer`. Topics:
``techtransfer.interest``, ``techtransfer.deal``, ``techtransfer.session`` (also carries
registrations, keyed by session id) and ``techtransfer.meeting``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from shared.events.registry import event_type


class _Contract(BaseModel):
    model_config = ConfigDict(extra="ignore")


class InterestEvent(_Contract):
    """An expression of interest in a tech offer or need, and its state."""

    interest_id: str = Field(description="interest id (aggregate id)", examples=["int-1"])
    record_id: str = Field(description="offer or need it is about", examples=["need-42"])
    record_kind: str = Field(description="tech_offer or tech_need", examples=["tech_need"])
    record_title: str = Field("", description="title of the record, for messages")
    owner_org_id: str = Field(description="organisation owning the record")
    interested_org_id: str = Field(description="organisation expressing interest")
    state: str = Field(description="interest state after the change", examples=["expressed"])
    expires_at: dt.datetime | None = Field(None, description="when an unanswered interest lapses")
    purpose: str = Field("", description="what the interested party wants")
    how_soon: str | None = Field(None, description="urgency answer", examples=["3_months"])
    budget_fit: str | None = Field(None, description="budget answer", examples=["within"])
    reason: str = Field("", description="decline reason, if any")


@event_type("techtransfer.interest.expressed")
class InterestExpressed(InterestEvent):
    """An organisation expressed interest in a record."""


@event_type("techtransfer.interest.accepted")
class InterestAccepted(InterestEvent):
    """The record's owner accepted an interest."""


@event_type("techtransfer.interest.declined")
class InterestDeclined(InterestEvent):
    """The record's owner declined an interest."""


@event_type("techtransfer.interest.withdrawn")
class InterestWithdrawn(InterestEvent):
    """The interested organisation withdrew its interest."""


@event_type("techtransfer.interest.expired")
class InterestExpired(InterestEvent):
    """An interest lapsed unanswered."""


class DealEvent(_Contract):
    """A deal reported after an accepted interest (in-Beijing transfer flag for 9(4))."""

    deal_id: str = Field(description="deal id (aggregate id)")
    interest_id: str | None = Field(None, description="interest the deal came from")
    record_id: str = Field(description="offer or need of the deal")
    record_kind: str = Field(description="tech_offer or tech_need")
    supplier_org_id: str = Field(description="technology supplier")
    recipient_org_id: str = Field(description="technology recipient")
    reported_by_org_id: str = Field(description="who reported the deal")
    state: str = Field(description="deal state after the change", examples=["reported"])
    mode: str = Field(description="transfer, license, equity or joint_dev", examples=["license"])
    contract_value_cny: int | None = Field(None, ge=0, description="contract value in yuan")
    signed_on: dt.date | None = Field(None, description="contract date")
    in_beijing: bool = Field(False, description="the technology is transferred in Beijing")
    reason: str = Field("", description="dispute reason, if any")
    support_eligible: bool = Field(False, description="eligible for 9(4) support")
    policy_clause: str | None = Field(None, description="clause of eligibility", examples=["9(4)"])
    beneficiary_org_id: str | None = Field(None, description="who may receive support")


@event_type("techtransfer.deal.reported")
class DealReported(DealEvent):
    """A party reported a signed deal."""


@event_type("techtransfer.deal.confirmed")
class DealConfirmed(DealEvent):
    """The counterparty confirmed a reported deal."""


@event_type("techtransfer.deal.disputed")
class DealDisputed(DealEvent):
    """The counterparty disputed a reported deal."""


@event_type("techtransfer.session.created")
class SessionCreated(_Contract):
    """An operator created a brokerage session (对接洽谈会)."""

    session_id: str = Field(description="session id (aggregate id)")
    title: str = Field(description="session title")
    domain: str | None = Field(None, description="domain code", examples=["ai"])
    topic: str | None = Field(None, description="topic of the session")
    day: dt.date = Field(description="day of the session")
    first_slot_start: dt.datetime = Field(description="start of the first meeting slot")
    slot_minutes: int = Field(ge=1, description="length of a meeting slot")
    slot_count: int = Field(ge=1, description="number of slots")
    tables_per_slot: int = Field(ge=1, description="parallel meetings per slot")
    online: bool = Field(False, description="held online")
    venue: str | None = Field(None, description="venue, if in person")
    registration_deadline: dt.datetime | None = Field(None, description="registration closes")
    created_by_org_id: str = Field(description="operator organisation")


class UnplacedMeeting(_Contract):
    """A requested meeting the scheduler could not place, and why."""

    meeting_id: str = Field(description="meeting request id")
    requester_org_id: str = Field("", description="who asked")
    invitee_org_id: str = Field("", description="who was asked")
    reason: str = Field(description="why it was not placed", examples=["no_common_slot"])


@event_type("techtransfer.session.scheduled")
class SessionScheduled(_Contract):
    """The conflict-free 1:1 schedule of a session was computed."""

    session_id: str = Field(description="session id")
    placed_count: int = Field(0, ge=0, description="meetings placed")
    unplaced: list[UnplacedMeeting] = Field(default_factory=list, description="not placed")


@event_type("techtransfer.session.registered")
class SessionRegistered(_Contract):
    """An organisation registered for a session (on the session's topic)."""

    session_id: str = Field(description="session id")
    participant_org_id: str = Field(description="registering organisation")
    record_ids: list[str] = Field(default_factory=list, description="records it brings")
    unavailable_slots: list[int] = Field(default_factory=list, description="slots it cannot do")


class MeetingEvent(_Contract):
    """A 1:1 meeting request inside a brokerage session, and its state."""

    meeting_id: str = Field(description="meeting id (aggregate id)")
    session_id: str = Field(description="session it belongs to")
    requester_org_id: str = Field(description="who asked for the meeting")
    invitee_org_id: str = Field(description="who was asked")
    state: str = Field(description="state after the change", examples=["requested"])
    slot: int | None = Field(None, ge=1, description="slot number, once locked or placed")
    table: int | None = Field(None, ge=1, description="table number, once locked or placed")
    starts_at: dt.datetime | None = Field(None, description="start, once scheduled")
    ends_at: dt.datetime | None = Field(None, description="end, once scheduled")
    unplaced_reason: str | None = Field(None, description="why scheduling failed, if it did")
    rated_by_org_id: str | None = Field(None, description="who rated the meeting")
    outcome: str | None = Field(None, description="rating outcome", examples=["follow_up"])


@event_type("techtransfer.meeting.requested")
class MeetingRequested(MeetingEvent):
    """A participant requested a meeting."""


@event_type("techtransfer.meeting.accepted")
class MeetingAccepted(MeetingEvent):
    """The invitee accepted a meeting request."""


@event_type("techtransfer.meeting.declined")
class MeetingDeclined(MeetingEvent):
    """The invitee declined a meeting request."""


@event_type("techtransfer.meeting.expired")
class MeetingExpired(MeetingEvent):
    """A meeting request lapsed unanswered."""


@event_type("techtransfer.meeting.locked")
class MeetingLocked(MeetingEvent):
    """An operator pinned a meeting to a slot and table."""


@event_type("techtransfer.meeting.scheduled")
class MeetingScheduled(MeetingEvent):
    """The scheduler placed (or could not place) a meeting."""


@event_type("techtransfer.meeting.rated")
class MeetingRated(MeetingEvent):
    """A participant rated a meeting."""
