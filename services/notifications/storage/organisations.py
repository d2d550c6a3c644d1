"""The organisation directory: type, kind and district of each organisation, learned from
identity's ``identity.organisation.*`` events, so a notice addressed to "the operators" or
"the government of Haidian" finds its organisations here (no read of identity's data).

Each entry stores the group keys it belongs to (``DirectoryEntry.groups``) and is found
by them. Writes are by ``_id`` only: a stale version is detected by reading first, which
is exact because one consumer handles one organisation's events in order (the topic is
keyed by organisation id and ``shared.consuming`` runs one handler per key at a time).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.domain.groups import DirectoryEntry, Group, group_keys, members


def _from_doc(doc: dict[str, Any]) -> DirectoryEntry:
    return DirectoryEntry.model_validate({"organisation_id": doc["_id"], **doc})


class MongoOrganisationDirectory:
    collection_name = "organisations"

    def __init__(self, db: AsyncDatabase) -> None:
        self._col = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self._col.create_index("groups")

    async def learn(self, entry: DirectoryEntry) -> tuple[str | None, DirectoryEntry | None]:
        """Store ``entry`` unless a same-or-newer version is stored.

        Returns (``"new"`` | ``"updated"`` | None when stale, the entry stored before)."""
        before_doc = await self._col.find_one({"_id": entry.organisation_id})
        before = _from_doc(before_doc) if before_doc else None
        if before is not None and before.version >= entry.version:
            return None, before
        doc = entry.model_dump(exclude={"organisation_id"})
        doc["groups"] = group_keys(entry.groups())
        await self._col.replace_one({"_id": entry.organisation_id}, doc, upsert=True)
        return ("new" if before is None else "updated"), before

    async def get(self, organisation_id: str) -> DirectoryEntry | None:
        doc = await self._col.find_one({"_id": organisation_id})
        return _from_doc(doc) if doc else None

    async def members(self, groups: Iterable[Group]) -> dict[Group, list[str]]:
        """Each group's organisation ids."""
        wanted = list(dict.fromkeys(groups))
        if not wanted:
            return {}
        cursor = self._col.find({"groups": {"$in": group_keys(wanted)}})
        return members(wanted, [_from_doc(d) async for d in cursor])
