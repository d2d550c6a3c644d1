"""Deals, with the 9(4) support-eligibility record stored in the confirmed deal's document.

``live_key`` is the interest id while the deal is reported or confirmed (one live deal per
accepted expression, enforced by a unique index) and the deal's own id once disputed.
"""

from __future__ import annotations

from typing import Any

from services.techtransfer.domain.deals import Deal, DealState
from services.techtransfer.storage.base import Aggregates


def live_key(deal: Deal) -> str:
    return deal.id if deal.state is DealState.disputed else deal.interest_id


class MongoDealRepository(Aggregates[Deal]):
    collection_name = "deals"
    model = Deal
    extra_keys = ("live_key", "eligibility", "created")

    def index_fields(self, entity: Deal) -> dict[str, Any]:
        return {"live_key": live_key(entity), "created": entity.reported_at}

    async def ensure_indexes(self) -> None:
        await self._col.create_index("live_key", unique=True)
        await self._col.create_index("supplier.org_id")
        await self._col.create_index("recipient.org_id")
        await self._col.create_index([("eligibility.recorded_at", 1)])
