"""Contracts of the new-technology / new-product catalogue market (policy 12(1)-(3)).

Supply: catalogue products and services (incl. first-of-a-kind equipment, 首台套).
Demand: SOEs' procurement needs. Topics ``catalogue.product`` and
``catalogue.procurement_need``, keyed by record id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.events.contracts._market import CnyRange, MarketRecord, RecordWithdrawn, as_list
from shared.events.registry import event_type


class CatalogueProduct(MarketRecord):
    """A product or service listed (or applying to be listed) in the catalogue."""

    kind: ClassVar[str] = "product"

    first_of_kind: bool = Field(False, description="first-of-a-kind equipment (首台套)")
    price_band: CnyRange | None = Field(
        None, description="[min, max] price in yuan (may be a unit price)", examples=[[2e5, 8e5]]
    )
    edition: str | None = Field(
        None, description="catalogue edition it is listed in", examples=["2025-Q1"]
    )

    def attributes(self) -> dict[str, Any]:
        return {"first_of_kind": self.first_of_kind, "price_band": as_list(self.price_band)}


class ProcurementNeed(MarketRecord):
    """What an SOE wants to buy."""

    kind: ClassVar[str] = "procurement_need"

    budget_cny: CnyRange | None = Field(None, description="budget [min, max] in yuan")

    def attributes(self) -> dict[str, Any]:
        return {"budget_cny": as_list(self.budget_cny)}


@event_type("catalogue.product.published")
class CatalogueProductPublished(CatalogueProduct):
    """A product was listed in a catalogue edition."""


@event_type("catalogue.product.updated")
class CatalogueProductUpdated(CatalogueProduct):
    """A listed product changed; carries its full new state."""


@event_type("catalogue.product.withdrawn")
class CatalogueProductWithdrawn(RecordWithdrawn):
    """A product left the catalogue."""


@event_type("catalogue.procurement_need.published")
class ProcurementNeedPublished(ProcurementNeed):
    """An SOE published a procurement need."""


@event_type("catalogue.procurement_need.updated")
class ProcurementNeedUpdated(ProcurementNeed):
    """A procurement need changed; carries its full new state."""


@event_type("catalogue.procurement_need.withdrawn")
class ProcurementNeedWithdrawn(RecordWithdrawn):
    """A procurement need was withdrawn."""
