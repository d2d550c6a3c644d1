"""Catalogue's storage: aggregate stores on ``shared.store`` (every conditional change is a
versioned save or a unique create) and counted units for event seats. The only place
with Mongo operators (see ``queries``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.catalogue.domain.applications import Application
from services.catalogue.domain.dockings import Docking, FirstPurchase
from services.catalogue.domain.editions import Current, Edition
from services.catalogue.domain.launches import Launch, Lead, Registration
from services.catalogue.domain.needs import Need
from services.catalogue.domain.products import Product
from shared.keyed_lists import ListSpec
from shared.store import MongoAggregateStore
from shared.units import CountedUnits

CURRENT = "current"  # the one id of the edition-in-force pointer
#: keyed lists (read by ``_id``): an enterprise's own applications, and the operator's
#: review queue (submitted ones only: approved and rejected ones pile up for ever)
APPLICATION_LISTS = (
    ListSpec("owner", ("owner_org_id",), ("state", "updated_at"), buckets=4),
    ListSpec("queue", ("state",), ("owner_org_id", "updated_at"), (("state", ("submitted",)),), 4),
)


@dataclass(frozen=True)
class Repositories:
    applications: MongoAggregateStore[Application]
    editions: MongoAggregateStore[Edition]
    current: MongoAggregateStore[Current]
    products: MongoAggregateStore[Product]
    needs: MongoAggregateStore[Need]
    dockings: MongoAggregateStore[Docking]
    first_purchases: MongoAggregateStore[FirstPurchase]
    launches: MongoAggregateStore[Launch]
    registrations: MongoAggregateStore[Registration]
    leads: MongoAggregateStore[Lead]
    units: CountedUnits

    @classmethod
    def over(cls, db: AsyncDatabase[Any]) -> Repositories:
        def store(kind: str, model: Any, collection: str) -> MongoAggregateStore[Any]:
            return MongoAggregateStore(db, kind, model, collection=collection)

        return cls(
            applications=MongoAggregateStore(
                db, "application", Application, collection="applications", lists=APPLICATION_LISTS
            ),
            editions=store("edition", Edition, "editions"),
            current=store("current_edition", Current, "current_edition"),
            products=store("product", Product, "products"),
            needs=store("procurement_need", Need, "needs"),
            dockings=store("docking", Docking, "dockings"),
            first_purchases=store("first_purchase", FirstPurchase, "first_purchases"),
            launches=store("launch", Launch, "launches"),
            registrations=store("registration", Registration, "registrations"),
            leads=store("lead", Lead, "leads"),
            units=CountedUnits(db),
        )

    async def ensure_indexes(self) -> None:
        await self.applications.ensure_indexes("owner_org_id", "state")
        await self.products.ensure_indexes("state", "owner_org_id", [("expires_at", 1)])
        await self.needs.ensure_indexes("owner_org_id", "state")
        await self.dockings.ensure_indexes("soe_org_id", "supplier_org_id", "need_id")
        await self.registrations.ensure_indexes("event_id")
        await self.leads.ensure_indexes("presenter_org_id", "event_id")
