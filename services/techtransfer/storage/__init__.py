"""Techtransfer's repositories on the aggregate store (one module per aggregate kind) and
index creation. Events are saved with each change; ``shared.relay`` publishes them."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.techtransfer.storage.base import Duplicate
from services.techtransfer.storage.deals import MongoDealRepository
from services.techtransfer.storage.interests import MongoInterestRepository
from services.techtransfer.storage.records import (
    MongoTechNeedRepository,
    MongoTechOfferRepository,
)
from services.techtransfer.storage.sessions import (
    MongoMeetingRepository,
    MongoRegistrationRepository,
    MongoSessionRepository,
)
from shared.unique_keys import UniqueKeys

__all__ = ["Duplicate", "Repositories"]


@dataclass(frozen=True)
class Repositories:
    """Every repository techtransfer uses, over one database."""

    offers: MongoTechOfferRepository
    needs: MongoTechNeedRepository
    interests: MongoInterestRepository
    deals: MongoDealRepository
    sessions: MongoSessionRepository
    registrations: MongoRegistrationRepository
    meetings: MongoMeetingRepository

    @classmethod
    def over(cls, db: AsyncDatabase) -> Repositories:
        keys = UniqueKeys(db)
        return cls(
            offers=MongoTechOfferRepository(db, keys),
            needs=MongoTechNeedRepository(db, keys),
            interests=MongoInterestRepository(db, keys),
            deals=MongoDealRepository(db, keys),
            sessions=MongoSessionRepository(db, keys),
            registrations=MongoRegistrationRepository(db, keys),
            meetings=MongoMeetingRepository(db, keys),
        )

    def all(self) -> tuple:
        return (
            self.offers,
            self.needs,
            self.interests,
            self.deals,
            self.sessions,
            self.registrations,
            self.meetings,
        )

    async def ensure_indexes(self) -> None:
        for repo in self.all():
            await repo.ensure_indexes()
