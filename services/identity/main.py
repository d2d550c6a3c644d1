"""Composition root: the identity app (stores, signing keys, local verifier, tier sweeper,
routers) on ``shared.bootstrap``.

``uvicorn services.identity.main:create_app --factory`` (the local stack does this).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.identity.api import auth, handle_identity_error, me, organisations, signup, tiers
from services.identity.errors import IdentityError
from services.identity.mail import SmtpMailer
from services.identity.settings import IdentitySettings, get_identity_settings
from services.identity.storage import Repositories
from services.identity.usecases import Deps, utc_now
from services.identity.usecases import keys as key_uc
from services.identity.usecases import tiers as tier_uc
from shared.auth import JWKSCache, TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.db import database_name as shared_database_name
from shared.events.contracts.identity import ENTERPRISE_TOPIC, ORGANISATION_TOPIC, USER_TOPIC
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)
SERVICE = "identity"
ROUTERS = [auth.router, me.router, signup.router, organisations.router, tiers.router]
TOPICS = [ORGANISATION_TOPIC, ENTERPRISE_TOPIC, USER_TOPIC]


def database_name(settings: Settings, identity: IdentitySettings | None = None) -> str:
    """The database ``shared.bootstrap`` opens for identity (``<db_prefix>_identity``)."""
    return shared_database_name(SERVICE, settings)


def quiet_driver_logs() -> None:
    """PyMongo logs whole commands and replies at DEBUG: that would put password hashes and
    private keys in the logs, so identity keeps that logger at INFO whatever the root says."""
    command_log = logging.getLogger("pymongo.command")
    if command_log.level < logging.INFO:  # NOTSET (inherit) counts as below
        command_log.setLevel(logging.INFO)


async def sweep(deps: Any) -> None:
    """Apply the cultivation rule periodically (reads also apply it on the spot)."""
    changed = await tier_uc.sweep(deps)
    if changed:
        log.info("cultivation sweep changed %d enterprises", changed)


def create_app(
    settings: Settings | None = None,
    identity_settings: IdentitySettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    identity = identity_settings or get_identity_settings()
    quiet_driver_logs()
    started: dict[str, Deps] = {}

    # Identity verifies its own tokens from its own key store (no HTTP to itself).
    cache = JWKSCache(
        lambda: key_uc.jwks_document(started["deps"]), ttl=30.0, min_refresh_interval=0.0
    )
    verifier = TokenVerifier(cache, issuer=identity.issuer, audience=identity.audience)

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        deps = started["deps"] = Deps(
            repos=repos, settings=identity, clock=clock or utc_now, mailer=SmtpMailer(identity)
        )
        await key_uc.ensure_signing_key(deps)
        return deps

    app = create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        periodic=[Periodic("tier-sweep", identity.tier_sweep_seconds, sweep)],
        description="Identity: organisations, users, tokens and the enterprise tier lists",
    )
    app.add_exception_handler(IdentityError, handle_identity_error)
    return app
