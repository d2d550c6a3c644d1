"""Contracts of the talent market (policy 11(4)).

Supply: headhunter agencies' profiles. Demand: enterprises' talent demands
(人才选聘项目). Topics ``talent.agency`` and ``talent.demand``, keyed by record id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

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
