"""Every API service's app in process (ASGI) for black-box tests (fuzz, audit): on its own
throw-away prefixes, without background consumers, sweepers or workers, trusting a test
signing key — also after start, where a service (identity) installs its own verifier."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from shared.auth import install_verifier
from shared.settings import Settings
from tests.support.auth import TokenMint

SERVICES = ["identity", "techtransfer", "matching", "notifications", "catalogue", "talent",
            "scenarios", "roadshows", "reporting"]  # fmt: skip
NO_BACKGROUND = {"sweeper": False, "consume": False, "workers": False}


def service_app(service: str, prefix: str, mint: TokenMint) -> Any:
    """``service``'s app with every name under ``prefix`` (database, topics, indices)."""
    module = importlib.import_module(f"services.{service}.main")
    settings = Settings(db_prefix=prefix, topic_prefix=f"{prefix}.", group_prefix=prefix,
                        index_prefix=prefix)  # fmt: skip
    code = module.create_app.__code__
    accepted = set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    kwargs = {k: v for k, v in NO_BACKGROUND.items() if k in accepted}
    if "verifier" in accepted:
        kwargs["verifier"] = mint.verifier()
    app = module.create_app(settings, **kwargs)
    install_verifier(app, mint.verifier())
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> Any:
        async with started(a) as state:
            install_verifier(a, mint.verifier())
            yield state

    app.router.lifespan_context = lifespan
    return app
