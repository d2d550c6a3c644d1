"""Contracts of the technology-transfer market (policy 9(4)).

Supply: technology offers (科技成果) from universities and institutes.
Demand: enterprises' technology needs. Topics ``techtransfer.offer`` and
``techtransfer.need``, keyed by record id; updates carry the full new state. The
workflow after a match (interests, deals, sessions, meetings) is in
:mod:`._techtransfer_workflow` and re-exported here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.events.contracts._market import (
    CnyRange,
    CooperationMode,
    MarketRecord,
    RecordWithdrawn,
    Trl,
    as_list,
)
from shared.events.contracts._techtransfer_workflow import (  # noqa: F401 - re-exported
    DealConfirmed,
    DealDisputed,
    DealEvent,
    DealReported,
    InterestAccepted,
    InterestDeclined,
    InterestEvent,
    InterestExpired,
    InterestExpressed,
    InterestWithdrawn,
    MeetingAccepted,
    MeetingDeclined,
    MeetingEvent,
    MeetingExpired,
    MeetingLocked,
    MeetingRated,
    MeetingRequested,
    MeetingScheduled,
    SessionCreated,
    SessionRegistered,
    SessionScheduled,
    UnplacedMeeting,
)
from shared.events.registry import event_type


class TechOffer(MarketRecord):
    """A technology achievement offered for transfer, licence, equity or joint work."""

    kind: ClassVar[str] = "tech_offer"

    trl: Trl = Field(description="technology readiness level 1-9", examples=[6])
    cooperation_modes: list[CooperationMode] = Field(
        default_factory=list, description="ways the owner will cooperate", examples=[["license"]]
    )
    patent_count: int = Field(0, ge=0, description="patents behind the offer", examples=[12])

    def attributes(self) -> dict[str, Any]:
        return {
            "trl": self.trl,
            "cooperation_modes": list(self.cooperation_modes),
            "ip": self.patent_count,
        }


class TechNeed(MarketRecord):
    """An enterprise's technology need."""

    kind: ClassVar[str] = "tech_need"

    budget_cny: CnyRange | None = Field(None, description="budget [min, max] in yuan")
    min_trl: Trl = Field(1, description="lowest acceptable readiness level", examples=[7])
    cooperation_modes: list[CooperationMode] = Field(
        default_factory=list, description="acceptable ways to cooperate", examples=[["license"]]
    )

    def attributes(self) -> dict[str, Any]:
        return {
            "budget_cny": as_list(self.budget_cny),
            "min_trl": self.min_trl,
            "cooperation_modes": list(self.cooperation_modes),
        }


@event_type("techtransfer.offer.published")
class TechOfferPublished(TechOffer):
    """A technology offer was published and is open for expressions of interest."""


@event_type("techtransfer.offer.updated")
class TechOfferUpdated(TechOffer):
    """A published technology offer changed; carries its full new state."""


@event_type("techtransfer.offer.withdrawn")
class TechOfferWithdrawn(RecordWithdrawn):
    """A technology offer was withdrawn from the market."""


@event_type("techtransfer.need.published")
class TechNeedPublished(TechNeed):
    """An enterprise published a technology need."""


@event_type("techtransfer.need.updated")
class TechNeedUpdated(TechNeed):
    """A published technology need changed; carries its full new state."""


@event_type("techtransfer.need.withdrawn")
class TechNeedWithdrawn(RecordWithdrawn):
    """A technology need was withdrawn from the market."""


@event_type("techtransfer.offer.drafted")
class TechOfferDrafted(TechOffer):
    """A technology offer was saved as a draft (not yet on the market)."""


@event_type("techtransfer.offer.closed")
class TechOfferClosed(RecordWithdrawn):
    """A technology offer was closed (a deal was done or an operator closed it)."""


@event_type("techtransfer.need.drafted")
class TechNeedDrafted(TechNeed):
    """A technology need was saved as a draft (not yet on the market)."""


@event_type("techtransfer.need.closed")
class TechNeedClosed(RecordWithdrawn):
    """A technology need was closed (met, or closed by an operator)."""
