"""Matching's storage: MongoDB repositories (matches, saved searches) and the OpenSearch
projection (``search``). Indexes are created at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.matching.storage.failures import MongoProjectionFailureRepository
from services.matching.storage.matches import MongoMatchRepository
from services.matching.storage.saved_searches import MongoSavedSearchRepository


@dataclass(frozen=True)
class Repositories:
    matches: MongoMatchRepository
    saved_searches: MongoSavedSearchRepository
    failures: MongoProjectionFailureRepository

    @classmethod
    def over(cls, db: AsyncDatabase) -> Repositories:
        return cls(
            matches=MongoMatchRepository(db),
            saved_searches=MongoSavedSearchRepository(db),
            failures=MongoProjectionFailureRepository(db),
        )

    async def ensure_indexes(self) -> None:
        await self.matches.ensure_indexes()
        await self.saved_searches.ensure_indexes()
