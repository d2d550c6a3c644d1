"""Deals, with the 9(4) support-eligibility record stored in the confirmed deal's document.

One live (reported or confirmed) deal per accepted expression is a unique-key claim
(``deal:<interest id>``) taken when a deal is reported, free again once it is disputed.
"""

from __future__ import annotations

from typing import Any

from services.techtransfer.domain.deals import Deal, DealState
from services.techtransfer.storage.base import Aggregates


def live_key(deal: Deal) -> str:
    return deal.id if deal.state is DealState.disputed else deal.interest_id


class MongoDealRepository(Aggregates[Deal]):
    collection_name = "deals"
    kind = "deal"
    model = Deal
    extra_keys = ("live_key", "eligibility", "created")

    def index_fields(self, entity: Deal) -> dict[str, Any]:
        return {"live_key": live_key(entity), "created": entity.reported_at}

    def unique_key(self, entity: Deal) -> str | None:
        return f"deal:{entity.interest_id}"

    def is_live(self, entity: Deal) -> bool:
        return entity.state is not DealState.disputed

    async def ensure_indexes(self) -> None:
        await self.drop_legacy_unique("live_key_1")
        await self._col.create_index("supplier.org_id")
        await self._col.create_index("recipient.org_id")
        await self._col.create_index([("eligibility.recorded_at", 1)])
