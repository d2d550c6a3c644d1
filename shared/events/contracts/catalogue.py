"""Contracts of the new-technology / new-product catalogue market (policy 12(1)-(3)).

Supply: catalogue products and services (incl. first-of-a-kind equipment, 首台套).
Demand: SOEs' procurement needs. Topics ``catalogue.product`` and
``catalogue.procurement_need``, keyed by record id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

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
    category: str | None = Field(None, description="product | service", examples=["product"])
    expires_at: datetime | None = Field(None, description="when the listing lapses")

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


# -- workflow events (services/catalogue) ------------------------------------------------
# Organisation ids, record ids, codes and amounts only: never a person's name or contact.


class ReviewReason(BaseModel):
    """One field an operator's review objects to."""

    model_config = ConfigDict(extra="ignore")

    field: str = Field(description="the application field", examples=["price_band"])
    reason: str = Field(description="why (zh-CN)", examples=["价格区间缺少依据"])


class _ApplicationEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    application_id: str = Field(description="application id", examples=["app-1"])
    owner_org_id: str = Field(description="the applying enterprise", examples=["org-7"])
    title: str = Field(description="product or service name", examples=["工业边缘计算网关"])
    category: str = Field(description="product | service", examples=["product"])
    first_of_kind: bool = Field(False, description="first-of-a-kind equipment (首台套)")
    product_id: str = Field(description="the catalogue entry it lists or updates")
    status: str = Field(description="state after the change", examples=["submitted"])
    round: int = Field(0, ge=0, description="review round (1 = first submission)")
    reasons: list[ReviewReason] = Field(
        default_factory=list, description="per-field reasons (rejections, send-backs)"
    )


@event_type("catalogue.application.drafted")
class ApplicationDrafted(_ApplicationEvent):
    """An enterprise saved a listing application as a draft."""


@event_type("catalogue.application.submitted")
class ApplicationSubmitted(_ApplicationEvent):
    """An application (or a resubmission) awaits the operator's review."""


@event_type("catalogue.application.approved")
class ApplicationApproved(_ApplicationEvent):
    """The operator approved the application; it may join an edition."""


@event_type("catalogue.application.rejected")
class ApplicationRejected(_ApplicationEvent):
    """The operator rejected the application, with reasons per field."""


@event_type("catalogue.application.returned")
class ApplicationReturned(_ApplicationEvent):
    """The operator sent the application back for changes, with reasons per field."""


class _EditionEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    edition_id: str = Field(description="edition code, also its id", examples=["2026-Q1"])
    title: str = Field(description="edition title", examples=["2026年第一批新技术新产品清单"])
    status: str = Field(description="open | frozen | published", examples=["published"])
    entries: int = Field(0, ge=0, description="entries in the edition")
    added: int = Field(0, ge=0, description="entries new against the previous edition")
    changed: int = Field(0, ge=0, description="entries changed against the previous edition")
    removed: int = Field(0, ge=0, description="entries of the previous edition left out")
    published_at: datetime | None = Field(None, description="when it was published")
    product_id: str | None = Field(None, description="updated: the entry added or removed")
    change: str | None = Field(None, description="updated: added | removed")
    reason: str | None = Field(None, description="updated: why an entry was removed")


@event_type("catalogue.edition.opened")
class EditionOpened(_EditionEvent):
    """The operator opened a dated edition (it starts from the last published one)."""


@event_type("catalogue.edition.updated")
class EditionUpdated(_EditionEvent):
    """The operator added an approved entry to an open edition, or removed one (with a reason)."""


@event_type("catalogue.edition.frozen")
class EditionFrozen(_EditionEvent):
    """The edition's entries are final; it awaits publication."""


@event_type("catalogue.edition.published")
class EditionPublished(_EditionEvent):
    """The edition was published: its entries are the listed products."""


class _DockingEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    docking_id: str = Field(description="docking id", examples=["need-1:prod-1"])
    need_id: str = Field(description="the SOE's procurement need")
    need_title: str = Field("", description="the need's title")
    product_id: str = Field(description="the listed product proposed")
    product_title: str = Field("", description="the product's title")
    soe_org_id: str = Field(description="the buying SOE")
    supplier_org_id: str = Field(description="the enterprise listing the product")
    status: str = Field(description="state after the change", examples=["accepted"])
    meeting_at: datetime | None = Field(None, description="the accepted meeting time")
    amount_cny: float | None = Field(None, ge=0, description="purchase amount in yuan")
    reason: str = Field("", description="why (declines, no purchase)")


@event_type("catalogue.docking.proposed")
class DockingProposed(_DockingEvent):
    """An SOE expressed interest in a listed product for its need (专项对接)."""


@event_type("catalogue.docking.accepted")
class DockingAccepted(_DockingEvent):
    """The supplier accepted the docking meeting."""


@event_type("catalogue.docking.declined")
class DockingDeclined(_DockingEvent):
    """The supplier declined, with a reason."""


@event_type("catalogue.docking.purchased")
class DockingPurchased(_DockingEvent):
    """The docking ended in a purchase, with its amount."""


@event_type("catalogue.docking.closed")
class DockingClosed(_DockingEvent):
    """The docking ended without a purchase, with a reason."""


@event_type("catalogue.first_purchase.recorded")
class FirstPurchaseRecorded(BaseModel):
    """The first purchase of a first-of-a-kind product: the 首购/首台套 demonstration record."""

    model_config = ConfigDict(extra="ignore")

    record_id: str = Field(description="record id (one per product)", examples=["first:prod-1"])
    product_id: str = Field(description="the first-of-a-kind product")
    product_title: str = Field("", description="its title")
    supplier_org_id: str = Field(description="the enterprise that supplied it")
    buyer_org_id: str = Field(description="the first buyer (an SOE)")
    need_id: str = Field(description="the procurement need it answered")
    docking_id: str = Field(description="the docking that ended in the purchase")
    amount_cny: float = Field(ge=0, description="purchase amount in yuan")
    purchased_at: datetime = Field(description="when the purchase was reported")


class _LaunchEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event_id: str = Field(description="launch event id", examples=["launch-1"])
    event_title: str = Field(description="title", examples=["人工智能新产品发布会"])
    format: str = Field(description="release | roadshow | docking (发布/路演/对接)")
    domain: str = Field(description="theme domain code", examples=["ai"])
    starts_at: datetime = Field(description="start")
    capacity: int = Field(ge=1, description="seats")
    product_ids: list[str] = Field(default_factory=list, description="presenting products")
    presenter_org_ids: list[str] = Field(default_factory=list, description="their enterprises")
    status: str = Field(description="scheduled | cancelled | held")


@event_type("catalogue.launch.scheduled")
class LaunchScheduled(_LaunchEvent):
    """The operator scheduled a launch event on the first-release platform (首发平台)."""


@event_type("catalogue.launch.cancelled")
class LaunchCancelled(_LaunchEvent):
    """The operator cancelled a launch event."""


@event_type("catalogue.launch.held")
class LaunchHeld(_LaunchEvent):
    """The launch event took place; its leads went to the presenters."""


class _RegistrationEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    registration_id: str = Field(description="registration id", examples=["launch-1:org-3"])
    event_id: str = Field(description="the launch event")
    event_title: str = Field("", description="its title")
    org_id: str = Field(description="the registered organisation")
    org_type: str = Field(description="its type (soe, government, enterprise, ...)")
    status: str = Field(description="registered | waitlisted | cancelled | attended")
    seat: int | None = Field(None, ge=1, description="seat number, when it holds one")
    reason: str = Field("", description="why, when not the organisation's own doing")


@event_type("catalogue.registration.registered")
class RegistrationRegistered(_RegistrationEvent):
    """An organisation holds a seat at a launch event."""


@event_type("catalogue.registration.waitlisted")
class RegistrationWaitlisted(_RegistrationEvent):
    """The event was full: the organisation joined the FIFO waitlist."""


@event_type("catalogue.registration.promoted")
class RegistrationPromoted(_RegistrationEvent):
    """A seat freed up: the waitlist's head holds it now."""


@event_type("catalogue.registration.cancelled")
class RegistrationCancelled(_RegistrationEvent):
    """The organisation cancelled its seat or waitlist place."""


@event_type("catalogue.registration.attended")
class RegistrationAttended(_RegistrationEvent):
    """The organisation checked in at the event."""


@event_type("catalogue.lead.created")
class LeadCreated(BaseModel):
    """A checked-in attendee of a launch event, passed to a presenting enterprise."""

    model_config = ConfigDict(extra="ignore")

    lead_id: str = Field(description="lead id", examples=["launch-1:org-3:prod-1"])
    event_id: str = Field(description="the launch event")
    event_title: str = Field("", description="its title")
    presenter_org_id: str = Field(description="the presenting enterprise (who gets the lead)")
    product_id: str = Field(description="the product it presented")
    buyer_org_id: str = Field(description="the attending organisation")
    buyer_org_type: str = Field(description="its type")
