"""Contracts of the roadshow / investment market (policy 10(3)).

Supply: enterprises' funding asks (pitches). Demand: investor mandates (sector, stage,
ticket). Topics ``roadshows.pitch`` and ``roadshows.mandate``, keyed by record id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

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

    def attributes(self) -> dict[str, Any]:
        return {"stage": self.stage, "ask_cny": self.ask_cny, "revenue_cny": self.revenue_cny}


class InvestorMandate(MarketRecord):
    """What an investor (government fund or VC) invests in."""

    kind: ClassVar[str] = "investor_mandate"

    stages: list[Stage] = Field(description="rounds invested in", examples=[["pre_a", "a"]])
    ticket_cny: CnyRange = Field(description="ticket [min, max] in yuan")
    fund_type: FundType = Field("vc", description="government guidance fund or VC")

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
