"""Identity's MongoDB repositories (one module per collection) and index creation.

Organisations and users live on the aggregate store (``shared.store``; their events go out
through the change relay); keys, refresh tokens and the sign-in throttle are keyed
documents."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.identity.storage.keys import MongoSigningKeyRepository
from services.identity.storage.organisations import MongoOrganisationRepository
from services.identity.storage.sessions import MongoRefreshTokenRepository
from services.identity.storage.throttle import MongoSignInThrottle
from services.identity.storage.users import MongoUserRepository
from shared.unique_keys import UniqueKeys


@dataclass(frozen=True)
class Repositories:
    """Every repository identity uses, over one database."""

    organisations: MongoOrganisationRepository
    users: MongoUserRepository
    keys: MongoSigningKeyRepository
    refresh_tokens: MongoRefreshTokenRepository
    throttle: MongoSignInThrottle

    @classmethod
    def over(cls, db: AsyncDatabase) -> Repositories:
        keys = UniqueKeys(db)
        return cls(
            organisations=MongoOrganisationRepository(db, keys),
            users=MongoUserRepository(db, keys),
            keys=MongoSigningKeyRepository(db),
            refresh_tokens=MongoRefreshTokenRepository(db),
            throttle=MongoSignInThrottle(db),
        )

    async def ensure_indexes(self) -> None:
        for repo in (self.organisations, self.users, self.keys, self.refresh_tokens, self.throttle):
            await repo.ensure_indexes()


ORGANISATIONS = MongoOrganisationRepository.collection_name
USERS = MongoUserRepository.collection_name
