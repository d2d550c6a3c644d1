"""Signing-key use cases: make sure a key exists, rotate, and publish the JWKS."""

from __future__ import annotations

import logging
from typing import Any

from services.identity.domain.keys import SigningKey, generate_signing_key, jwks
from services.identity.errors import IdentityError
from services.identity.usecases import Deps

log = logging.getLogger(__name__)


async def ensure_signing_key(deps: Deps) -> SigningKey:
    """The current key, creating the first one if the database has none."""
    keys = await deps.repos.keys.newest(1)
    if keys:
        return keys[0]
    key = generate_signing_key(deps.now())
    await deps.repos.keys.add(key)
    log.info("first signing key %s created", key.kid)
    return key


async def signing_key(deps: Deps) -> SigningKey:
    keys = await deps.repos.keys.newest(1)
    return keys[0] if keys else await ensure_signing_key(deps)


async def rotate_keys(deps: Deps, *, force: bool = False) -> SigningKey:
    """Make a new current key; the old one stays published as the previous key.

    Only two keys are published, so rotating twice within one access-token lifetime would
    reject tokens signed two keys ago: refuse that unless forced.
    """
    current = await deps.repos.keys.newest(1)
    if current and not force:
        created = current[0].created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=deps.now().tzinfo)
        age = deps.now() - created
        if age < deps.settings.access_ttl:
            raise IdentityError(
                409,
                "keys",
                "rotated_too_recently",
                "距上次轮换不足一个访问令牌有效期 / current key is younger than the access-token "
                "lifetime; wait or force",
            )
    key = generate_signing_key(deps.now())
    await deps.repos.keys.add(key)
    log.info("signing key rotated: %s is current", key.kid)
    return key


async def jwks_document(deps: Deps) -> dict[str, Any]:
    return jwks(await deps.repos.keys.newest())
