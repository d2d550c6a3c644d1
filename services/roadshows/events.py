"""Roadshows' events: contract payloads built from domain entities, wrapped in envelopes.

A domain transition names its events (``published``, ``booked``, ``confirmed`` ...); the
maps below turn each name into its contract. Payloads carry organisation ids and record
facts only: no person's name or contact, no deck bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from services.roadshows.domain.applications import Application
from services.roadshows.domain.calendar import Roadshow
from services.roadshows.domain.followups import Followup
from services.roadshows.domain.meetings import Meeting
from services.roadshows.domain.records import Mandate, Pitch
from services.roadshows.domain.seats import Booking
from shared.events import Envelope, new_event
from shared.events.contracts import roadshows as c

SOURCE = "roadshows"

MANDATE: dict[str, type[BaseModel]] = {
    "published": c.InvestorMandatePublished,
    "updated": c.InvestorMandateUpdated,
    "withdrawn": c.InvestorMandateWithdrawn,
}
PITCH: dict[str, type[BaseModel]] = {
    "published": c.PitchPublished,
    "updated": c.PitchUpdated,
    "withdrawn": c.PitchWithdrawn,
}
ROADSHOW: dict[str, type[BaseModel]] = {
    "scheduled": c.RoadshowScheduled,
    "cancelled": c.RoadshowCancelled,
    "held": c.RoadshowHeld,
}
APPLICATION: dict[str, type[BaseModel]] = {
    "submitted": c.ApplicationSubmitted,
    "selected": c.ApplicationSelected,
    "declined": c.ApplicationDeclined,
    "withdrawn": c.ApplicationWithdrawn,
}
SEAT: dict[str, type[BaseModel]] = {
    "booked": c.SeatBooked,
    "waitlisted": c.SeatWaitlisted,
    "promoted": c.SeatPromoted,
    "cancelled": c.SeatCancelled,
    "attended": c.SeatAttended,
    "forfeited": c.SeatForfeited,
}
MEETING: dict[str, type[BaseModel]] = {
    "requested": c.MeetingRequested,
    "accepted": c.MeetingAccepted,
    "declined": c.MeetingDeclined,
    "scheduled": c.MeetingScheduled,
}
FOLLOWUP: dict[str, type[BaseModel]] = {
    "reported": c.FollowupReported,
    "confirmed": c.FollowupConfirmed,
    "disputed": c.FollowupDisputed,
    "investment": c.InvestmentConfirmed,
}


def _wrap(model: type[BaseModel], fields: dict[str, Any], subject: str) -> Envelope:
    # The store stamps the version it writes; 0 is a placeholder.
    return new_event(model.model_validate(fields), subject=subject, version=0, source=SOURCE)


def _many(table: Mapping[str, type[BaseModel]], names: Iterable[str], fields: dict[str, Any],
          subject: str) -> list[Envelope]:  # fmt: skip
    return [_wrap(table[n], fields, subject) for n in names if n]


def _record(r: Mandate | Pitch) -> dict[str, Any]:
    return {
        "id": r.id, "owner_org_id": r.owner_org_id, "title": r.content.title,
        "description": r.content.description, "domains": list(r.content.domains),
        "keywords": list(r.content.keywords), "district": r.content.district,
        "status": r.state.value, "updated_at": r.updated_at, "withdrawn_at": r.updated_at,
    }  # fmt: skip


def mandate_events(m: Mandate, names: Iterable[str]) -> list[Envelope]:
    fields = {
        **_record(m), "stages": list(m.content.stages), "ticket_cny": list(m.content.ticket_cny),
        "fund_type": m.content.fund_type, "exclusions": list(m.content.exclusions),
    }  # fmt: skip
    return _many(MANDATE, names, fields, m.id)


def pitch_events(p: Pitch, names: Iterable[str]) -> list[Envelope]:
    fields = {
        **_record(p), "stage": p.content.stage, "ask_cny": p.content.ask_cny,
        "revenue_cny": p.content.revenue_cny, "priority_tier": p.priority_tier,
        "has_deck": p.deck is not None,
    }  # fmt: skip
    return _many(PITCH, names, fields, p.id)


def _roadshow(r: Roadshow) -> dict[str, Any]:
    return {
        "roadshow_id": r.id, "roadshow_title": r.content.title, "domain": r.content.domain,
        "month": r.month, "starts_at": r.content.starts_at, "organiser_org_id": r.organiser_org_id,
    }  # fmt: skip


def roadshow_events(r: Roadshow, names: Iterable[str]) -> list[Envelope]:
    s = r.content
    fields = {
        **_roadshow(r), "ends_at": s.ends_at, "topic": s.topic, "venue": s.venue,
        "online_url": s.online_url, "pitch_slots": s.pitch_slots,
        "investor_seats": s.investor_seats, "reason": r.reason, "attended": r.attended,
        "no_shows": r.no_shows,
    }  # fmt: skip
    return _many(ROADSHOW, names, fields, r.id)


def application_events(
    a: Application, r: Roadshow, names: Iterable[str], tier: str | None = None, score: float = 0.0
) -> list[Envelope]:
    fields = {
        "application_id": a.id, "roadshow_id": r.id, "roadshow_title": r.content.title,
        "pitch_id": a.pitch_id, "enterprise_org_id": a.enterprise_org_id,
        "priority_tier": tier, "match_score": score,
    }  # fmt: skip
    return _many(APPLICATION, names, fields, a.id)


def seat_events(b: Booking, r: Roadshow, names: Iterable[str]) -> list[Envelope]:
    fields = {
        "booking_id": b.id, "roadshow_id": r.id, "roadshow_title": r.content.title,
        "investor_org_id": b.investor_org_id, "seat": b.seat,
    }  # fmt: skip
    return _many(SEAT, names, fields, b.id)


def meeting_events(m: Meeting, names: Iterable[str]) -> list[Envelope]:
    fields = m.model_dump(include={
        "roadshow_id", "investor_org_id", "enterprise_org_id", "pitch_id", "slot", "table",
        "starts_at", "unplaced_reason",
    })  # fmt: skip
    return _many(MEETING, names, {**fields, "meeting_id": m.id}, m.id)


def followup_events(f: Followup, names: Iterable[str], reported: Any = None) -> list[Envelope]:
    step = reported or (f.history[-1] if f.history else None)
    fields: dict[str, Any] = {
        "followup_id": f.id, "meeting_id": f.meeting_id, "investor_org_id": f.investor_org_id,
        "enterprise_org_id": f.enterprise_org_id, "pitch_id": f.pitch_id,
    }  # fmt: skip
    if step is not None:
        fields.update(step.model_dump())
    return _many(FOLLOWUP, names, fields, f.id)
