"""Expressions of interest, with the two sides' contact details kept beside the domain
model (shown only after acceptance). "One open expression per (party, record)" is a
unique-key claim (``interest:<record>|<party>``) taken when an expression is created and
free again once that expression is no longer open."""

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
    kind = "interest"
    model = Interest
    extra_keys = ("open_key", "due", "contacts", "record_title")

    def index_fields(self, entity: Interest) -> dict[str, Any]:
        return {"open_key": open_key(entity), "due": entity.expires_at}

    def unique_key(self, entity: Interest) -> str | None:
        return f"interest:{entity.record_id}|{entity.interested.org_id}"

    def is_live(self, entity: Interest) -> bool:
        return entity.state is InterestState.open

    async def ensure_indexes(self) -> None:
        await self.drop_legacy_unique("open_key_1")
        await self._col.create_index([("state", 1), ("due", 1)])
        await self._col.create_index("owner.org_id")
        await self._col.create_index("interested.org_id")
        await self._col.create_index("record_id")
