"""Notifications' MongoDB repositories (one module per collection) and index creation."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.storage.jobs import MongoDeliveryJobRepository
from services.notifications.storage.messages import MongoMessageRepository
from services.notifications.storage.organisations import MongoOrganisationDirectory
from services.notifications.storage.preferences import MongoPreferencesRepository
from services.notifications.storage.recent import MongoRecentNoticeRepository
from services.notifications.storage.recipients import MongoRecipientRepository
from services.notifications.storage.webhooks import MongoWebhookEndpointRepository


@dataclass(frozen=True)
class Repositories:
    recipients: MongoRecipientRepository
    preferences: MongoPreferencesRepository
    messages: MongoMessageRepository
    jobs: MongoDeliveryJobRepository
    webhooks: MongoWebhookEndpointRepository
    recent: MongoRecentNoticeRepository
    organisations: MongoOrganisationDirectory

    @classmethod
    def over(cls, db: AsyncDatabase) -> Repositories:
        return cls(
            recipients=MongoRecipientRepository(db),
            preferences=MongoPreferencesRepository(db),
            messages=MongoMessageRepository(db),
            jobs=MongoDeliveryJobRepository(db),
            webhooks=MongoWebhookEndpointRepository(db),
            recent=MongoRecentNoticeRepository(db),
            organisations=MongoOrganisationDirectory(db),
        )

    async def ensure_indexes(self) -> None:
        for repo in (self.recipients, self.messages, self.jobs, self.webhooks, self.recent,
                     self.organisations):  # fmt: skip
            await repo.ensure_indexes()
