"""Contracts of the roadshow / investment market (policy 10(3)).

Supply: enterprises' funding asks (pitches). Demand: investor mandates (sector, stage,
ticket). Topics ``roadshows.pitch`` and ``roadshows.mandate``, keyed by record id.
Workflow topics (keyed by their aggregate id): ``roadshows.roadshow`` (the operator's
monthly calendar), ``roadshows.application`` (pitch applications and selection),
``roadshows.seat`` (investor seats, waitlist, no-shows), ``roadshows.meeting`` (1:1
meetings after the pitches) and ``roadshows.followup`` (met -> due diligence -> term
sheet -> invested | passed; ``roadshows.investment.confirmed`` is the outcome record).
Events carry organisation ids, never a person's name or contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts._market import (
    CnyRange,
    FundType,
    MarketRecord,
    RecordWithdrawn,
    Stage,
    as_list,
)
from shared.events.registry import event_type


class Pitch(MarketRecord):
    """An enterprise's funding ask."""

    kind: ClassVar[str] = "pitch"

    stage: Stage = Field(description="round being raised", examples=["a"])
    ask_cny: int = Field(ge=0, description="amount sought in yuan", examples=[80000000])
    revenue_cny: int | None = Field(None, ge=0, description="last year's revenue in yuan")
    priority_tier: Literal["small_to_scale", "scale_to_strong"] | None = Field(
        None,
        description="小升规 small_to_scale | 规升强 scale_to_strong when the enterprise is on "
        "that tier list (priority in pitch selection, policy 10(3)); added with a default",
        examples=["small_to_scale"],
    )
    has_deck: bool = Field(False, description="a pitch deck file is attached")

    def attributes(self) -> dict[str, Any]:
        return {"stage": self.stage, "ask_cny": self.ask_cny, "revenue_cny": self.revenue_cny}


class InvestorMandate(MarketRecord):
    """What an investor (government fund or VC) invests in."""

    kind: ClassVar[str] = "investor_mandate"

    stages: list[Stage] = Field(description="rounds invested in", examples=[["pre_a", "a"]])
    ticket_cny: CnyRange = Field(description="ticket [min, max] in yuan")
    fund_type: FundType = Field("vc", description="government guidance fund or VC")
    exclusions: list[str] = Field(
        default_factory=list,
        description="what the investor will not invest in (domain codes or words)",
        examples=[["blockchain"]],
    )

    def attributes(self) -> dict[str, Any]:
        return {
            "stages": list(self.stages),
            "ticket_cny": as_list(self.ticket_cny),
            "fund_type": self.fund_type,
        }


@event_type("roadshows.pitch.published")
class PitchPublished(Pitch):
    """An enterprise published a funding ask."""


@event_type("roadshows.pitch.updated")
class PitchUpdated(Pitch):
    """A funding ask changed; carries its full new state."""


@event_type("roadshows.pitch.withdrawn")
class PitchWithdrawn(RecordWithdrawn):
    """A funding ask was withdrawn."""


@event_type("roadshows.mandate.published")
class InvestorMandatePublished(InvestorMandate):
    """An investor published a mandate."""


@event_type("roadshows.mandate.updated")
class InvestorMandateUpdated(InvestorMandate):
    """A mandate changed; carries its full new state."""


@event_type("roadshows.mandate.withdrawn")
class InvestorMandateWithdrawn(RecordWithdrawn):
    """A mandate was withdrawn."""


# --- workflow events -----------------------------------------------------------------


class _Workflow(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RoadshowFacts(_Workflow):
    roadshow_id: str = Field(description="roadshow id (the key)", examples=["rs-2025-03-ai"])
    roadshow_title: str = Field(description="title", examples=["人工智能专场路演（3月）"])
    domain: str = Field(description="domain code of the roadshow", examples=["ai"])
    month: str = Field(description="calendar month in Beijing time, YYYY-MM", examples=["2025-03"])
    starts_at: dt.datetime = Field(description="start (UTC)")
    organiser_org_id: str = Field(description="operator organisation", examples=["op-1"])


@event_type("roadshows.roadshow.scheduled")
class RoadshowScheduled(RoadshowFacts):
    """An operator put a roadshow on the monthly calendar."""

    ends_at: dt.datetime = Field(description="end (UTC)")
    topic: str = Field("", description="topic within the domain", examples=["大模型应用"])
    venue: str | None = Field(None, description="venue, if in person", examples=["中关村会议中心"])
    online_url: str | None = Field(None, description="online link, if online")
    pitch_slots: int = Field(description="presenters it takes", examples=[6])
    investor_seats: int = Field(description="investor seats", examples=[30])


@event_type("roadshows.roadshow.cancelled")
class RoadshowCancelled(RoadshowFacts):
    """An operator cancelled a roadshow (it no longer counts for the month)."""

    reason: str = Field("", description="why", examples=["场地调整"])


@event_type("roadshows.roadshow.held")
class RoadshowHeld(RoadshowFacts):
    """The roadshow took place; the operator closed it (no-shows recorded)."""

    attended: int = Field(description="investors who came", examples=[25])
    no_shows: int = Field(description="investors holding a seat who did not come", examples=[2])


class ApplicationFacts(_Workflow):
    application_id: str = Field(description="'<roadshow_id>:<pitch_id>'", examples=["rs-1:p-1"])
    roadshow_id: str = Field(description="the roadshow", examples=["rs-1"])
    roadshow_title: str = Field(description="its title", examples=["人工智能专场路演（3月）"])
    pitch_id: str = Field(description="the pitch", examples=["p-1"])
    enterprise_org_id: str = Field(description="the pitching enterprise", examples=["ent-1"])
    priority_tier: str | None = Field(
        None, description="small_to_scale | scale_to_strong, if on one", examples=["small_to_scale"]
    )
    match_score: float = Field(0.0, description="best match score of the pitch", examples=[7.5])


@event_type("roadshows.application.submitted")
class ApplicationSubmitted(ApplicationFacts):
    """An enterprise applied to pitch at a roadshow."""


@event_type("roadshows.application.selected")
class ApplicationSelected(ApplicationFacts):
    """The operator selected the pitch as a presenter (takes one pitch slot)."""


@event_type("roadshows.application.declined")
class ApplicationDeclined(ApplicationFacts):
    """The operator did not select the pitch."""


@event_type("roadshows.application.withdrawn")
class ApplicationWithdrawn(ApplicationFacts):
    """The enterprise withdrew its application (a slot it held is freed)."""


class SeatFacts(_Workflow):
    booking_id: str = Field(description="'<roadshow_id>:<investor_org_id>'", examples=["r:i"])
    roadshow_id: str = Field(description="the roadshow", examples=["rs-1"])
    roadshow_title: str = Field(description="its title", examples=["人工智能专场路演（3月）"])
    investor_org_id: str = Field(description="the investor organisation", examples=["inv-1"])
    seat: int | None = Field(None, description="seat number (1-based), when holding one")


@event_type("roadshows.seat.booked")
class SeatBooked(SeatFacts):
    """An investor got a seat."""


@event_type("roadshows.seat.waitlisted")
class SeatWaitlisted(SeatFacts):
    """The roadshow was full; the investor joined the waitlist (first come, first served)."""


@event_type("roadshows.seat.promoted")
class SeatPromoted(SeatFacts):
    """A seat was freed and the investor at the head of the waitlist got it."""


@event_type("roadshows.seat.cancelled")
class SeatCancelled(SeatFacts):
    """The investor gave up the seat (or the waitlist place) before the cut-off."""


@event_type("roadshows.seat.attended")
class SeatAttended(SeatFacts):
    """The operator checked the investor in."""


@event_type("roadshows.seat.forfeited")
class SeatForfeited(SeatFacts):
    """No-show: the investor held the seat past the cut-off and did not come."""


class MeetingFacts(_Workflow):
    meeting_id: str = Field(description="'<roadshow_id>:<investor>:<pitch_id>'", examples=["m-1"])
    roadshow_id: str = Field(description="the roadshow", examples=["rs-1"])
    investor_org_id: str = Field(description="the requesting investor", examples=["inv-1"])
    enterprise_org_id: str = Field(description="the presenting enterprise", examples=["ent-1"])
    pitch_id: str = Field(description="the pitch presented", examples=["p-1"])


@event_type("roadshows.meeting.requested")
class MeetingRequested(MeetingFacts):
    """An investor asked a presenter for a 1:1 meeting after the pitches."""


@event_type("roadshows.meeting.accepted")
class MeetingAccepted(MeetingFacts):
    """The enterprise accepted the meeting."""


@event_type("roadshows.meeting.declined")
class MeetingDeclined(MeetingFacts):
    """The enterprise declined the meeting."""


@event_type("roadshows.meeting.scheduled")
class MeetingScheduled(MeetingFacts):
    """The conflict-free schedule placed the meeting (or left it out, with why)."""

    slot: int | None = Field(None, description="slot number (1-based); null: not placed")
    table: int | None = Field(None, description="table number (1-based); null: not placed")
    starts_at: dt.datetime | None = Field(None, description="slot start (UTC)")
    unplaced_reason: str | None = Field(
        None, description="why not placed (no_common_slot, participants_busy, tables_full)"
    )


FunnelStage = Literal["met", "due_diligence", "term_sheet", "invested", "passed"]


class FollowupFacts(_Workflow):
    followup_id: str = Field(description="the follow-up (one per meeting)", examples=["m-1"])
    meeting_id: str = Field(description="the meeting it follows", examples=["m-1"])
    investor_org_id: str = Field(description="the investor", examples=["inv-1"])
    enterprise_org_id: str = Field(description="the enterprise", examples=["ent-1"])
    pitch_id: str = Field(description="the pitch", examples=["p-1"])
    stage: FunnelStage = Field(description="the funnel step concerned", examples=["term_sheet"])


@event_type("roadshows.followup.reported")
class FollowupReported(FollowupFacts):
    """The investor reported a funnel step; the enterprise is to confirm it."""

    amount_cny: int | None = Field(None, description="invested amount (invested only)")
    invested_on: dt.date | None = Field(None, description="investment date (invested only)")
    reason: str | None = Field(None, description="why (passed only)", examples=["估值不匹配"])


@event_type("roadshows.followup.confirmed")
class FollowupConfirmed(FollowupFacts):
    """The enterprise confirmed the reported step; the funnel moved on."""


@event_type("roadshows.followup.disputed")
class FollowupDisputed(FollowupFacts):
    """The enterprise did not confirm the reported step; the funnel stays where it was."""


@event_type("roadshows.investment.confirmed", topic="roadshows.followup")
class InvestmentConfirmed(FollowupFacts):
    """The outcome record: an investment reported by the investor and confirmed by the
    enterprise (policy 10(3) investment service)."""

    amount_cny: int = Field(description="invested amount in yuan", examples=[30000000])
    invested_on: dt.date = Field(description="investment date", examples=["2025-04-01"])
