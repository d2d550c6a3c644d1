"""Techtransfer's MongoDB repositories (one module per aggregate kind) and index creation.

Every aggregate collection carries an ``outbox`` array; ``OUTBOX_COLLECTIONS`` is what the
relay drains.
"""

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

__all__ = ["OUTBOX_COLLECTIONS", "Duplicate", "Repositories"]


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
        return cls(
            offers=MongoTechOfferRepository(db),
            needs=MongoTechNeedRepository(db),
            interests=MongoInterestRepository(db),
            deals=MongoDealRepository(db),
            sessions=MongoSessionRepository(db),
            registrations=MongoRegistrationRepository(db),
            meetings=MongoMeetingRepository(db),
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


OUTBOX_COLLECTIONS = [
    MongoTechOfferRepository.collection_name,
    MongoTechNeedRepository.collection_name,
    MongoInterestRepository.collection_name,
    MongoDealRepository.collection_name,
    MongoSessionRepository.collection_name,
    MongoRegistrationRepository.collection_name,
    MongoMeetingRepository.collection_name,
]
