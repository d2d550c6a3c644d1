"""Offers and needs: one collection each, the owner's district stored beside the record
(events carry it; the domain record does not need it)."""

from __future__ import annotations

from typing import Any

from services.techtransfer.domain.records import TechNeed, TechOffer
from services.techtransfer.storage.base import Aggregates
from shared.keyed_lists import ListSpec

RECORD_EXTRA = ("created", "district", "owner_name")


def by_owner(trl: str) -> tuple[ListSpec, ...]:
    """An organisation's records ("my offers", "an org's records"), with what their
    listing filters and sorts on (``usecases.records.listing_query``)."""
    fields = ("state", "created", "content.domains", "content.cooperation_modes", trl)
    # 8 buckets: an organisation publishing thousands rewrites an eighth of its list
    return (ListSpec("owner", ("owner.org_id",), fields, buckets=8),)


class MongoTechOfferRepository(Aggregates[TechOffer]):
    collection_name = "offers"
    kind = "tech_offer"
    model = TechOffer
    extra_keys = RECORD_EXTRA
    lists = by_owner("content.trl")

    def index_fields(self, entity: TechOffer) -> dict[str, Any]:
        return {"created": entity.created_at}

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes()  # the keyed lists of a database from before them
        await self._col.create_index([("state", 1), ("created", -1)])
        await self._col.create_index([("owner.org_id", 1), ("created", -1)])
        await self._col.create_index("content.domains")


class MongoTechNeedRepository(Aggregates[TechNeed]):
    collection_name = "needs"
    kind = "tech_need"
    model = TechNeed
    extra_keys = RECORD_EXTRA
    lists = by_owner("content.min_trl")

    def index_fields(self, entity: TechNeed) -> dict[str, Any]:
        return {"created": entity.created_at}

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes()  # the keyed lists of a database from before them
        await self._col.create_index([("state", 1), ("created", -1)])
        await self._col.create_index([("owner.org_id", 1), ("created", -1)])
        await self._col.create_index("content.domains")
