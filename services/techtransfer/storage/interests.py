"""Expressions of interest, with the two sides' contact details kept beside the domain
model (shown only after acceptance) and ``open_key`` making "one open expression per
(party, record)" a unique index rather than a read-then-write race."""

from __future__ import annotations

from typing import Any

from services.techtransfer.domain.interest import Interest, InterestState
from services.techtransfer.storage.base import Aggregates


def open_key(interest: Interest) -> str:
    """``record|party`` while open; the interest's own id afterwards (never clashes)."""
    if interest.state is InterestState.open:
        return f"{interest.record_id}|{interest.interested.org_id}"
    return interest.id


class MongoInterestRepository(Aggregates[Interest]):
    collection_name = "interests"
    model = Interest
    extra_keys = ("open_key", "due", "contacts", "record_title")

    def index_fields(self, entity: Interest) -> dict[str, Any]:
        return {"open_key": open_key(entity), "due": entity.expires_at}

    async def ensure_indexes(self) -> None:
        await self._col.create_index("open_key", unique=True)
        await self._col.create_index([("state", 1), ("due", 1)])
        await self._col.create_index("owner.org_id")
        await self._col.create_index("interested.org_id")
        await self._col.create_index("record_id")
