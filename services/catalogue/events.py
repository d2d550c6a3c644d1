"""Catalogue's events: contract payloads built from domain entities, wrapped in envelopes.

A domain transition names its events (``submitted``, ``published``, ``promoted`` ...);
the maps below turn each name into its contract. Only listed products reach the
``catalogue.product`` topic (what matching projects); events carry organisation and
record ids, never a person's details.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from services.catalogue.domain.applications import Application
from services.catalogue.domain.dockings import Docking, FirstPurchase
from services.catalogue.domain.editions import Diff, Edition
from services.catalogue.domain.launches import Launch, Lead, Registration
from services.catalogue.domain.needs import Need
from services.catalogue.domain.products import Product, ProductState
from shared.events import Envelope, new_event
from shared.events.contracts import catalogue as c

SOURCE = "catalogue"

APPLICATION = {
    "drafted": c.ApplicationDrafted,
    "submitted": c.ApplicationSubmitted,
    "approved": c.ApplicationApproved,
    "rejected": c.ApplicationRejected,
    "returned": c.ApplicationReturned,
}
EDITION = {
    "opened": c.EditionOpened, "updated": c.EditionUpdated, "frozen": c.EditionFrozen,
    "published": c.EditionPublished,
}  # fmt: skip
PRODUCT = {
    "published": c.CatalogueProductPublished,
    "updated": c.CatalogueProductUpdated,
    "withdrawn": c.CatalogueProductWithdrawn,
}
NEED = {
    "published": c.ProcurementNeedPublished,
    "updated": c.ProcurementNeedUpdated,
    "withdrawn": c.ProcurementNeedWithdrawn,
}
DOCKING = {
    "proposed": c.DockingProposed,
    "accepted": c.DockingAccepted,
    "declined": c.DockingDeclined,
    "purchased": c.DockingPurchased,
    "closed": c.DockingClosed,
}
LAUNCH = {"scheduled": c.LaunchScheduled, "cancelled": c.LaunchCancelled, "held": c.LaunchHeld}
REGISTRATION = {
    "registered": c.RegistrationRegistered,
    "waitlisted": c.RegistrationWaitlisted,
    "promoted": c.RegistrationPromoted,
    "cancelled": c.RegistrationCancelled,
    "attended": c.RegistrationAttended,
}


def _wrap(model: type[BaseModel], fields: dict[str, Any], subject: str) -> Envelope:
    # The store stamps the version it writes; 0 is a placeholder.
    return new_event(model.model_validate(fields), subject=subject, version=0, source=SOURCE)


def application_events(a: Application, names: Iterable[str]) -> list[Envelope]:
    last = a.rounds[-1] if a.rounds else None
    fields = {
        "application_id": a.id,
        "owner_org_id": a.owner_org_id,
        "title": a.spec.title,
        "category": a.spec.category,
        "first_of_kind": a.spec.first_of_kind,
        "product_id": a.product_id,
        "status": a.state.value,
        "round": len(a.rounds),
        "reasons": [r.model_dump() for r in last.reasons] if last else [],
    }
    return [_wrap(APPLICATION[n], fields, a.id) for n in names if n]


def edition_events(
    e: Edition, names: Iterable[str], diff: Diff | None = None, product_id: str | None = None
) -> list[Envelope]:
    fields = {
        "edition_id": e.id,
        "title": e.title,
        "status": e.state.value,
        "entries": len(e.entries),
        "added": len(diff.added) if diff else 0,
        "changed": len(diff.changed) if diff else 0,
        "removed": len(diff.removed) if diff else 0,
        "published_at": e.published_at,
        "product_id": product_id,
        "change": None
        if product_id is None
        else ("added" if product_id in e.entries else "removed"),
        "reason": e.removals.get(product_id) if product_id else None,
    }
    return [_wrap(EDITION[n], fields, e.id) for n in names if n]


def product_events(p: Product, names: Iterable[str]) -> list[Envelope]:
    s = p.spec
    fields = {
        "id": p.id,
        "owner_org_id": p.owner_org_id,
        "title": s.title,
        "description": s.description,
        "domains": list(s.domains),
        "keywords": list(s.keywords),
        "district": s.district,
        # The markets' shared vocabulary: a listed product is "published" (matching
        # projects and ranks only records in that status).
        "status": "published" if p.state is ProductState.listed else p.state.value,
        "updated_at": p.updated_at,
        "first_of_kind": s.first_of_kind,
        "price_band": list(s.price_band) if s.price_band else None,
        "edition": p.edition_id,
        "category": s.category,
        "expires_at": p.expires_at,
        "reason": p.reason or None,
        "withdrawn_at": p.updated_at,
    }
    return [_wrap(PRODUCT[n], fields, p.id) for n in names if n]


def need_events(n: Need, names: Iterable[str]) -> list[Envelope]:
    s = n.spec
    fields = {
        "id": n.id,
        "owner_org_id": n.owner_org_id,
        "title": s.title,
        "description": s.description,
        "domains": list(s.domains),
        "keywords": list(s.keywords),
        "district": s.district,
        "status": n.state.value,
        "updated_at": n.updated_at,
        "budget_cny": list(s.budget_cny) if s.budget_cny else None,
        "reason": n.reason or None,
        "withdrawn_at": n.updated_at,
    }
    return [_wrap(NEED[name], fields, n.id) for name in names if name]


def docking_events(d: Docking, names: Iterable[str]) -> list[Envelope]:
    fields = d.model_dump(
        include={
            "need_id",
            "need_title",
            "product_id",
            "product_title",
            "soe_org_id",
            "supplier_org_id",
            "meeting_at",
            "amount_cny",
            "reason",
        }
    )
    fields.update(docking_id=d.id, status=d.state.value)
    return [_wrap(DOCKING[n], fields, d.id) for n in names if n]


def first_purchase_events(r: FirstPurchase) -> list[Envelope]:
    fields = r.model_dump(exclude={"id", "version"})
    fields["record_id"] = r.id
    return [_wrap(c.FirstPurchaseRecorded, fields, r.id)]


def launch_events(e: Launch, names: Iterable[str]) -> list[Envelope]:
    fields = {
        "event_id": e.id,
        "event_title": e.spec.title,
        "format": e.spec.format,
        "domain": e.spec.domain,
        "starts_at": e.spec.starts_at,
        "capacity": e.spec.capacity,
        "product_ids": list(e.presenters),
        "presenter_org_ids": sorted(set(e.presenters.values())),
        "status": e.state.value,
    }
    return [_wrap(LAUNCH[n], fields, e.id) for n in names if n]


def registration_events(r: Registration, e: Launch, names: Iterable[str]) -> list[Envelope]:
    fields = {
        "registration_id": r.id,
        "event_id": e.id,
        "event_title": e.spec.title,
        "org_id": r.org_id,
        "org_type": r.org_type,
        "status": r.state.value,
        "seat": r.seat,
        "reason": r.reason,
    }
    return [_wrap(REGISTRATION[n], fields, r.id) for n in names if n]


def lead_events(lead: Lead) -> list[Envelope]:
    fields = lead.model_dump(exclude={"id", "version", "created_at"})
    fields["lead_id"] = lead.id
    return [_wrap(c.LeadCreated, fields, lead.id)]
