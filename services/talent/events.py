"""Talent's events: contract payloads built from domain entities, wrapped in envelopes.

A domain transition names its events (``published``, ``granted``, ``placement_started``
...); the maps below turn each name into its contract. Candidate events carry ids and
``person_hash`` only: nothing here reads ``Candidate.personal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from services.talent.domain.agencies import Agency, Document
from services.talent.domain.candidates import Candidate
from services.talent.domain.claims import Claim
from services.talent.domain.demands import Demand
from services.talent.domain.fairs import Fair, Registration
from shared.events import Envelope, new_event
from shared.events.contracts import talent as c

SOURCE = "talent"

DEMAND: dict[str, type[BaseModel]] = {
    "published": c.TalentDemandPublished,
    "updated": c.TalentDemandUpdated,
    "withdrawn": c.TalentDemandWithdrawn,
}
AGENCY: dict[str, type[BaseModel]] = {
    "document_uploaded": c.AgencyDocumentUploaded,
    "registered": c.AgencyRegistered,
    "published": c.AgencyProfilePublished,
    "updated": c.AgencyProfileUpdated,
    "withdrawn": c.AgencyProfileWithdrawn,
}
CLAIM: dict[str, type[BaseModel]] = {
    "reminded": c.ClaimReminded,
    "granted": c.ClaimGranted,
    "released": c.ClaimReleased,
    "expired": c.ClaimExpired,
    "revoked": c.ClaimRevoked,
}
CANDIDATE: dict[str, type[BaseModel]] = {
    "cv_attached": c.CandidateCvAttached,
    "submitted": c.CandidateSubmitted,
    "advanced": c.CandidateAdvanced,
    "rejected": c.CandidateRejected,
    "withdrawn": c.CandidateWithdrawn,
    "placement_started": c.PlacementStarted,
    "placement_qualified": c.PlacementQualified,
    "placement_ended": c.PlacementEnded,
}
FAIR: dict[str, type[BaseModel]] = {
    "waitlisted": c.FairWaitlisted,
    "promoted": c.FairPromoted,
    "published": c.FairPublished,
    "registered": c.FairRegistered,
    "cancelled": c.FairRegistrationCancelled,
}


def _wrap(model: type[BaseModel], fields: dict[str, Any], subject: str) -> Envelope:
    # The store stamps the version it writes; 0 is a placeholder.
    return new_event(model.model_validate(fields), subject=subject, version=0, source=SOURCE)


def demand_events(d: Demand, names: Iterable[str]) -> list[Envelope]:
    band = d.content.salary_band_cny
    fields: dict[str, Any] = {
        "id": d.id,
        "owner_org_id": d.owner_org_id,
        "title": d.content.title,
        "description": d.content.description,
        "domains": list(d.content.domains),
        "keywords": list(d.content.keywords),
        "district": d.content.district,
        "status": d.state.value,
        "updated_at": d.updated_at,
        "seniority": d.content.seniority,
        "count": d.content.count,
        "salary_band_cny": list(band) if band else None,
        "reason": d.reason or None,
        "withdrawn_at": d.updated_at,
    }
    return [_wrap(DEMAND[n], fields, d.id) for n in names]


def agency_events(
    a: Agency, names: Iterable[str], document: Document | None = None
) -> list[Envelope]:
    p = a.profile
    fields: dict[str, Any] = {
        "id": a.id,
        "agency_id": a.id,
        "owner_org_id": a.id,
        "title": p.name,
        "name": p.name,
        "description": p.description,
        "domains": list(p.specialisms),
        "keywords": list(p.keywords),
        "district": p.district,
        "status": a.state.value,
        "updated_at": a.updated_at,
        "specialisms": list(p.specialisms),
        "seniority_range": list(p.seniority_range),
        "placements_last_year": p.placements_last_year,
        "reason": a.reason or None,
        "withdrawn_at": a.updated_at,
    }
    if document is not None:
        fields.update(document_kind=document.kind, document_sha256=document.sha256)
    return [_wrap(AGENCY[n], fields, a.id) for n in names]


def claim_events(cl: Claim, names: Iterable[str]) -> list[Envelope]:
    fields = cl.model_dump(
        include={
            "demand_id",
            "demand_title",
            "agency_id",
            "enterprise_org_id",
            "mode",
            "expires_at",
            "reason",
        }
    )
    fields["claim_id"] = cl.id
    return [_wrap(CLAIM[n], fields, cl.id) for n in names]


def candidate_events(cd: Candidate, names: Iterable[str]) -> list[Envelope]:
    last = cd.history[-1] if cd.history else None
    fields: dict[str, Any] = {
        "candidate_id": cd.id,
        "placement_id": cd.id,
        "demand_id": cd.demand_id,
        "agency_id": cd.agency_id,
        "enterprise_org_id": cd.enterprise_org_id,
        "person_hash": cd.person_hash,
        "stage": cd.stage.value,
        "role_title": cd.role_title,
        "reason": last.reason if last else "",
    }
    if cd.cv is not None:
        fields.update(cv_content_type=cd.cv.content_type, cv_size=cd.cv.size)
    p = cd.placement
    if p is not None:
        fields.update(
            hired_at=p.hired_at,
            guarantee_ends_at=p.guarantee_ends_at,
            reason=p.reason or fields["reason"],
        )
    return [_wrap(CANDIDATE[n], fields, cd.id) for n in names]


def fair_events(f: Fair, names: Iterable[str], reg: Registration | None = None) -> list[Envelope]:
    fields: dict[str, Any] = {
        "fair_id": f.id,
        "title": f.spec.title,
        "organiser_org_id": f.organiser_org_id,
        "co_organiser_org_ids": list(f.spec.co_organiser_org_ids),
        "starts_at": f.spec.starts_at,
        "capacity": f.spec.capacity,
        "org_id": reg.org_id if reg else None,
    }
    return [_wrap(FAIR[n], fields, reg.id if reg else f.id) for n in names if n]
