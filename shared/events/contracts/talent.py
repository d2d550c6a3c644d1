"""Contracts of the talent market (policy 11(4)).

Supply: headhunter agencies' profiles. Demand: enterprises' talent demands
(人才选聘项目). Topics ``talent.agency`` and ``talent.demand``, keyed by record id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts._market import (
    CnyRange,
    Code,
    MarketRecord,
    RecordWithdrawn,
    Seniority,
    as_list,
)
from shared.events.registry import event_type


class AgencyProfile(MarketRecord):
    """A headhunter agency: specialisms, seniority it recruits, track record."""

    kind: ClassVar[str] = "agency"

    specialisms: list[Code] = Field(
        default_factory=list, description="domain codes it recruits in", examples=[["fintech"]]
    )
    seniority_range: list[Seniority] = Field(
        default_factory=list,
        description="seniorities it places",
        examples=[["senior", "executive"]],
    )
    placements_last_year: int = Field(0, ge=0, description="placements last year", examples=[40])

    def attributes(self) -> dict[str, Any]:
        return {
            "specialisms": list(self.specialisms),
            "seniority_range": list(self.seniority_range),
            "placements_last_year": self.placements_last_year,
        }


class TalentDemand(MarketRecord):
    """An enterprise's hiring need on the talent demand list."""

    kind: ClassVar[str] = "talent_demand"

    seniority: Seniority = Field(description="level of the role", examples=["mid"])
    count: int = Field(1, ge=1, description="people wanted", examples=[3])
    salary_band_cny: CnyRange | None = Field(None, description="yearly salary [min, max] in yuan")

    def attributes(self) -> dict[str, Any]:
        return {
            "seniority": self.seniority,
            "count": self.count,
            "salary_band_cny": as_list(self.salary_band_cny),
        }


@event_type("talent.agency.published")
class AgencyProfilePublished(AgencyProfile):
    """A headhunter agency published its profile."""


@event_type("talent.agency.updated")
class AgencyProfileUpdated(AgencyProfile):
    """An agency profile changed; carries its full new state."""


@event_type("talent.agency.withdrawn")
class AgencyProfileWithdrawn(RecordWithdrawn):
    """An agency profile was withdrawn."""


@event_type("talent.demand.published")
class TalentDemandPublished(TalentDemand):
    """An enterprise published a talent demand."""


@event_type("talent.demand.updated")
class TalentDemandUpdated(TalentDemand):
    """A talent demand changed; carries its full new state."""


@event_type("talent.demand.withdrawn")
class TalentDemandWithdrawn(RecordWithdrawn):
    """A talent demand was withdrawn."""


# -- workflow events (services/talent) ---------------------------------------------------
# They carry ids, codes and hashes only: never a candidate's name, phone, e-mail or CV.


class _AgencyEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agency_id: str = Field(description="agency id (the headhunter organisation's id)")
    owner_org_id: str = Field(description="the headhunter organisation", examples=["org-9"])
    name: str = Field(description="agency name", examples=["北京英才猎头有限公司"])
    status: str = Field(description="registered | verified | suspended", examples=["registered"])


@event_type("talent.agency.registered")
class AgencyRegistered(_AgencyEvent):
    """An agency joined the operator's list and awaits verification."""


class _ClaimEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    claim_id: str = Field(description="claim id", examples=["claim-1"])
    demand_id: str = Field(description="the talent demand claimed", examples=["demand-1"])
    demand_title: str = Field("", description="the demand's role title")
    agency_id: str = Field(description="the claiming agency (its organisation id)")
    enterprise_org_id: str = Field(description="the enterprise that posted the demand")
    mode: str = Field(description="exclusive | open", examples=["exclusive"])
    expires_at: datetime = Field(description="when the claim lapses unless released earlier")
    reason: str = Field("", description="why it ended (revocations carry the enterprise's reason)")


@event_type("talent.claim.granted")
class ClaimGranted(_ClaimEvent):
    """An agency holds one of the demand's claim slots."""


@event_type("talent.claim.released")
class ClaimReleased(_ClaimEvent):
    """The agency gave the claim back, or the demand left the market."""


@event_type("talent.claim.expired")
class ClaimExpired(_ClaimEvent):
    """The claim's period ran out; its slot is free for another agency."""


@event_type("talent.claim.revoked")
class ClaimRevoked(_ClaimEvent):
    """The enterprise revoked the claim, giving a reason."""


class _CandidateEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    candidate_id: str = Field(description="submission id", examples=["cand-1"])
    demand_id: str = Field(description="the talent demand", examples=["demand-1"])
    agency_id: str = Field(description="the submitting agency (its organisation id)")
    enterprise_org_id: str = Field(description="the enterprise that posted the demand")
    person_hash: str = Field(
        description="keyed hash (HMAC-SHA256) of the normalised phone: no personal data",
        examples=["3f1c0a9e5b7d2c4e6f8a0b1c2d3e4f50"],
    )
    stage: str = Field(description="pipeline stage after the change", examples=["submitted"])
    reason: str = Field("", description="the reason given (rejections, withdrawals)")


@event_type("talent.candidate.submitted")
class CandidateSubmitted(_CandidateEvent):
    """An agency submitted a candidate for a demand it holds a claim on."""


@event_type("talent.candidate.advanced")
class CandidateAdvanced(_CandidateEvent):
    """The enterprise moved a candidate on: shortlisted, interviewed, offer or hired."""


@event_type("talent.candidate.rejected")
class CandidateRejected(_CandidateEvent):
    """The enterprise rejected a candidate, with a reason."""


@event_type("talent.candidate.withdrawn")
class CandidateWithdrawn(_CandidateEvent):
    """The agency withdrew its candidate, with a reason."""


class _PlacementEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    placement_id: str = Field(description="placement id (the hired submission's id)")
    demand_id: str = Field(description="the talent demand filled")
    agency_id: str = Field(description="the placing agency (its organisation id)")
    enterprise_org_id: str = Field(description="the hiring enterprise")
    role_title: str = Field(description="the role filled", examples=["芯片验证工程师"])
    hired_at: datetime = Field(description="date of hire")
    guarantee_ends_at: datetime = Field(description="end of the guarantee period")
    reason: str = Field("", description="leaver reports: why the person left")


@event_type("talent.placement.started")
class PlacementStarted(_PlacementEvent):
    """A hire started its guarantee period."""


@event_type("talent.placement.qualified")
class PlacementQualified(_PlacementEvent):
    """The guarantee period ended without a leaver: a support-eligible placement."""


@event_type("talent.placement.ended")
class PlacementEnded(_PlacementEvent):
    """The enterprise reported the person left within the guarantee period."""


class _FairEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    fair_id: str = Field(description="job fair id", examples=["fair-1"])
    title: str = Field(description="fair title", examples=["集成电路专场招聘会"])
    organiser_org_id: str = Field(description="the organising operator or enterprise")
    co_organiser_org_ids: list[str] = Field(default_factory=list, description="co-organisers")
    starts_at: datetime = Field(description="when the fair opens")
    capacity: int = Field(ge=1, description="places for exhibiting organisations")
    org_id: str | None = Field(None, description="the registering organisation, if any")


@event_type("talent.fair.published")
class FairPublished(_FairEvent):
    """A domain job fair (专场招聘会) opened for registration."""


@event_type("talent.fair.registered")
class FairRegistered(_FairEvent):
    """An organisation took a place at a job fair."""


@event_type("talent.fair.cancelled")
class FairRegistrationCancelled(_FairEvent):
    """An organisation gave its place at a job fair back."""


@event_type("talent.agency.document_uploaded")
class AgencyDocumentUploaded(_AgencyEvent):
    """An agency uploaded a qualification document for the operator to review (the
    event names its kind and hash; the file stays in the talent service)."""

    document_kind: str = Field(description="business_licence | hr_service_licence | other")
    document_sha256: str = Field(description="SHA-256 of the file")


@event_type("talent.fair.waitlisted")
class FairWaitlisted(_FairEvent):
    """The fair was full: the organisation joined its first-come waitlist."""


@event_type("talent.fair.promoted")
class FairPromoted(_FairEvent):
    """A place came free and the organisation at the head of the waitlist took it."""


@event_type("talent.claim.reminded")
class ClaimReminded(_ClaimEvent):
    """The claim expires soon (within the service's reminder lead): the agency is told once."""


@event_type("talent.candidate.cv_attached")
class CandidateCvAttached(_CandidateEvent):
    """The agency attached a CV to its submission (its type and size; never the file)."""

    cv_content_type: str = Field(description="application/pdf or the .docx type")
    cv_size: int = Field(ge=0, description="bytes")
