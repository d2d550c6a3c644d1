"""Uploaded files (pitch decks, CVs): the bytes in the service's own database, keyed by id,
never in events.

One document per file; the services' size limits (a few MB) keep it far below a BSON
document's 16 MB, so no GridFS is needed. Each service names its own collection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bson import Binary
from pymongo.asynchronous.database import AsyncDatabase


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    content_type: str
    data: bytes


class FileStore:
    def __init__(self, db: AsyncDatabase[Any], collection: str) -> None:
        self.col = db[collection]

    async def put(self, file_id: str, content_type: str, data: bytes, owner: str) -> None:
        await self.col.insert_one(
            {
                "_id": file_id,
                "content_type": content_type,
                "data": Binary(data),
                "size": len(data),
                "owner": owner,
                "at": dt.datetime.now(dt.UTC),
            }
        )

    async def get(self, file_id: str) -> StoredFile | None:
        doc = await self.col.find_one({"_id": file_id})
        if doc is None:
            return None
        return StoredFile(file_id, doc["content_type"], bytes(doc["data"]))

    async def delete(self, file_id: str) -> None:
        await self.col.delete_one({"_id": file_id})
