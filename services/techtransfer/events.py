"""Techtransfer's events: contract payloads built from domain entities, wrapped in
envelopes for the outbox. Names of the domain's transition events map one to one onto
event types (``published`` → ``techtransfer.offer.published`` ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from services.techtransfer.domain.deals import Deal, SupportEligibility
from services.techtransfer.domain.interest import Interest
from services.techtransfer.domain.records import OfferContent, Record
from services.techtransfer.domain.sessions import BrokerageSession, MeetingRequest, session_slots
from shared.events import Envelope, new_event
from shared.events.contracts import techtransfer as c
from shared.scheduling import UnplacedReason

SOURCE = "techtransfer"

RECORD_TYPES: dict[str, dict[str, type[BaseModel]]] = {
    "tech_offer": {
        "drafted": c.TechOfferDrafted,
        "published": c.TechOfferPublished,
        "updated": c.TechOfferUpdated,
        "withdrawn": c.TechOfferWithdrawn,
        "closed": c.TechOfferClosed,
    },
    "tech_need": {
        "drafted": c.TechNeedDrafted,
        "published": c.TechNeedPublished,
        "updated": c.TechNeedUpdated,
        "withdrawn": c.TechNeedWithdrawn,
        "closed": c.TechNeedClosed,
    },
}
INTEREST_TYPES: dict[str, type[BaseModel]] = {
    "expressed": c.InterestExpressed,
    "accepted": c.InterestAccepted,
    "declined": c.InterestDeclined,
    "withdrawn": c.InterestWithdrawn,
    "expired": c.InterestExpired,
}
DEAL_TYPES: dict[str, type[BaseModel]] = {
    "reported": c.DealReported,
    "confirmed": c.DealConfirmed,
    "disputed": c.DealDisputed,
}
MEETING_TYPES: dict[str, type[BaseModel]] = {
    "requested": c.MeetingRequested,
    "accepted": c.MeetingAccepted,
    "declined": c.MeetingDeclined,
    "expired": c.MeetingExpired,
    "locked": c.MeetingLocked,
    "scheduled": c.MeetingScheduled,
    "rated": c.MeetingRated,
}


def _wrap(payload: BaseModel, subject: str, version: int) -> Envelope:
    return new_event(payload, subject=subject, version=version, source=SOURCE)


def record_payload(record: Record, district: str | None) -> dict[str, Any]:
    """The fields of the record contracts (``shared.events.contracts.techtransfer``)."""
    content = record.content
    fields: dict[str, Any] = {
        "id": record.id,
        "owner_org_id": record.owner.org_id,
        "title": content.title,
        "description": content.description,
        "domains": list(content.domains),
        "keywords": list(content.keywords),
        "district": district,
        "status": record.state.value,
        "updated_at": record.updated_at,
        "cooperation_modes": [m.value for m in content.cooperation_modes],
        "withdrawn_at": record.updated_at,  # withdrawn / closed: when it left the market
    }
    if isinstance(content, OfferContent):
        fields.update(trl=content.trl, patent_count=content.ip)
    else:
        budget = content.budget_cny
        fields.update(min_trl=content.min_trl, budget_cny=list(budget) if budget else None)
    return fields


def record_events(record: Record, names: Iterable[str], district: str | None) -> list[Envelope]:
    out = []
    for name in names:
        model = RECORD_TYPES[record.kind][name]
        payload = model.model_validate(record_payload(record, district))
        out.append(_wrap(payload, record.id, record.version))
    return out


def interest_events(interest: Interest, names: Iterable[str], title: str = "") -> list[Envelope]:
    base: dict[str, Any] = {
        "interest_id": interest.id,
        "record_id": interest.record_id,
        "record_kind": interest.record_kind,
        "record_title": title,
        "owner_org_id": interest.owner.org_id,
        "interested_org_id": interest.interested.org_id,
        "state": interest.state.value,
        "expires_at": interest.expires_at,
        "purpose": interest.answers.purpose,
        "how_soon": interest.answers.how_soon.value,
        "budget_fit": interest.answers.budget_fit.value,
        "reason": interest.decline_reason or "",
    }
    return [
        _wrap(INTEREST_TYPES[n].model_validate(base), interest.id, interest.version) for n in names
    ]


def deal_events(
    deal: Deal, names: Iterable[str], eligibility: SupportEligibility | None
) -> list[Envelope]:
    base: dict[str, Any] = {
        "deal_id": deal.id,
        "interest_id": deal.interest_id,
        "record_id": deal.record_id,
        "record_kind": deal.record_kind,
        "supplier_org_id": deal.supplier.org_id,
        "recipient_org_id": deal.recipient.org_id,
        "reported_by_org_id": deal.reported_by.org_id,
        "state": deal.state.value,
        "mode": deal.report.mode.value,
        "contract_value_cny": deal.report.contract_value_cny,
        "signed_on": deal.report.signed_on,
        "in_beijing": deal.report.in_beijing,
        "reason": deal.dispute_reason or "",
        "support_eligible": eligibility is not None,
        "policy_clause": eligibility.policy_clause if eligibility else None,
        "beneficiary_org_id": eligibility.beneficiary.org_id if eligibility else None,
    }
    return [_wrap(DEAL_TYPES[n].model_validate(base), deal.id, deal.version) for n in names]


def session_events(
    session: Any, names: Iterable[str], sides: dict[str, tuple[str, str]] | None = None
) -> list[Envelope]:
    """Session created / scheduled (``session`` is the stored session with its version;
    ``sides`` maps meeting id → (requester, invitee) for the unplaced list)."""
    sides = sides or {}
    out = []
    for name in names:
        payload: BaseModel
        if name == "created":
            payload = c.SessionCreated(
                session_id=session.id,
                title=session.title,
                domain=session.domain,
                topic=session.topic,
                day=session.day,
                first_slot_start=session_slots(session)[0].start,
                slot_minutes=session.slot_minutes,
                slot_count=session.slot_count,
                tables_per_slot=session.tables_per_slot,
                online=session.online,
                venue=session.venue,
                registration_deadline=session.registration_deadline,
                created_by_org_id=session.created_by.org_id,
            )
        elif name == "scheduled":
            result = session.schedule
            placed = result.placed if result else {}
            unplaced = result.unplaced if result else {}
            payload = c.SessionScheduled(
                session_id=session.id,
                placed_count=len(placed),
                unplaced=[
                    c.UnplacedMeeting(
                        meeting_id=m,
                        requester_org_id=sides.get(m, ("", ""))[0],
                        invitee_org_id=sides.get(m, ("", ""))[1],
                        reason=r.value,
                    )
                    for m, r in unplaced.items()
                ],
            )
        else:
            raise ValueError(f"unknown session event {name}")
        out.append(_wrap(payload, session.id, session.version))
    return out


def registration_events(registration: Any, names: Iterable[str]) -> list[Envelope]:
    """Registrations ride on the session's topic, keyed by the session id."""
    return [
        _wrap(
            c.SessionRegistered(
                session_id=registration.session_id,
                participant_org_id=registration.participant.org_id,
                record_ids=list(registration.record_ids),
                unavailable_slots=sorted(registration.unavailable_slots),
            ),
            registration.session_id,
            registration.version,
        )
        for _ in names
    ]


def meeting_events(
    req: MeetingRequest,
    names: Iterable[str],
    session: BrokerageSession,
    unplaced: UnplacedReason | None = None,
) -> list[Envelope]:
    base: dict[str, Any] = {
        "meeting_id": req.id,
        "session_id": req.session_id,
        "requester_org_id": req.requester.org_id,
        "invitee_org_id": req.invitee.org_id,
        "state": req.state.value,
    }
    out = []
    for name in names:
        fields = dict(base)
        if name == "locked" and req.locked_at:
            fields.update(slot=req.locked_at[0], table=req.locked_at[1])
        elif name == "scheduled":
            if req.placement:
                slot = session_slots(session)[req.placement[0] - 1]
                fields.update(
                    slot=req.placement[0],
                    table=req.placement[1],
                    starts_at=slot.start,
                    ends_at=slot.end,
                )
            else:
                fields["unplaced_reason"] = unplaced.value if unplaced else None
        elif name == "rated":
            last = list(req.ratings)[-1]
            fields.update(rated_by_org_id=last, outcome=req.ratings[last].value)
        out.append(_wrap(MEETING_TYPES[name].model_validate(fields), req.id, req.version))
    return out
