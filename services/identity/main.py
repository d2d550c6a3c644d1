"""Composition root: builds the identity app (storage, relay, verifier, sweeper, routers).

``uvicorn services.identity.main:create_app --factory`` (the local stack does this).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.identity.api import auth, me, organisations, tiers
from services.identity.errors import IdentityError, handle_identity_error
from services.identity.settings import IdentitySettings, get_identity_settings
from services.identity.storage import ORGANISATIONS, USERS, Repositories
from services.identity.usecases import Deps, utc_now
from services.identity.usecases import keys as key_uc
from services.identity.usecases import tiers as tier_uc
from shared.auth import JWKSCache, TokenVerifier, install_verifier
from shared.broker import create_producer, ensure_topics
from shared.db import create_mongo_client
from shared.events import topic_name
from shared.events.contracts.identity import ENTERPRISE_TOPIC, ORGANISATION_TOPIC, USER_TOPIC
from shared.outbox import OutboxRelay
from shared.settings import Settings, get_settings
from shared.web import create_service_app

log = logging.getLogger(__name__)
ROUTERS = [auth.router, me.router, organisations.router, tiers.router]
TOPICS = [ORGANISATION_TOPIC, ENTERPRISE_TOPIC, USER_TOPIC]


def database_name(settings: Settings, identity: IdentitySettings) -> str:
    return f"{settings.db_prefix}_{identity.database}"


def local_verifier(deps: Deps) -> TokenVerifier:
    """Identity verifies its own tokens from its own key store (no HTTP to itself)."""
    cache = JWKSCache(lambda: key_uc.jwks_document(deps), ttl=30.0, min_refresh_interval=0.0)
    return TokenVerifier(cache, issuer=deps.settings.issuer, audience=deps.settings.audience)


async def sweep_forever(deps: Deps) -> None:
    """Apply the cultivation rule periodically (reads also apply it on the spot)."""
    while True:
        try:
            changed = await tier_uc.sweep(deps)
            if changed:
                log.info("cultivation sweep changed %d enterprises", changed)
        except Exception:
            log.exception("cultivation sweep failed; will retry")
        await asyncio.sleep(deps.settings.tier_sweep_seconds)


def quiet_driver_logs() -> None:
    """PyMongo logs whole commands and replies at DEBUG: that would put password hashes and
    private keys in the logs, so identity keeps that logger at INFO whatever the root says."""
    command_log = logging.getLogger("pymongo.command")
    if command_log.level < logging.INFO:  # NOTSET (inherit) counts as below
        command_log.setLevel(logging.INFO)


def create_app(
    settings: Settings | None = None,
    identity_settings: IdentitySettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    identity = identity_settings or get_identity_settings()
    quiet_driver_logs()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = create_mongo_client(settings)
        db = client[database_name(settings, identity)]
        repos = Repositories.over(db)
        await repos.ensure_indexes()
        deps = Deps(repos=repos, settings=identity, clock=clock or utc_now)
        await key_uc.ensure_signing_key(deps)
        await ensure_topics([topic_name(t, settings) for t in TOPICS], settings)
        producer = create_producer(settings, client_id="duijie-identity")
        relay = OutboxRelay(
            db,
            collections=[ORGANISATIONS, USERS],
            producer=producer,
            settings=settings,
            service="identity",
        )
        await relay.start()
        # Waking is safe: the relay never writes the aggregate documents (see
        # shared/outbox.py), so it cannot undo a state change it overlaps.
        deps.wake_outbox = relay.wake
        app.state.deps = deps
        app.state.relay = relay
        install_verifier(app, local_verifier(deps))
        sweeper = asyncio.create_task(sweep_forever(deps), name="identity-tier-sweep")
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await relay.stop()
            await client.close()

    app = create_service_app("identity", routers=ROUTERS, lifespan=lifespan)
    app.add_exception_handler(IdentityError, handle_identity_error)
    return app
