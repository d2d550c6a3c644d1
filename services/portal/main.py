"""Composition root of the portal: the web front end every role uses (zh-CN first).

A backend-for-frontend: pages are rendered on the server from the services' HTTP APIs,
called with the signed-in person's token; the portal owns no market data and opens no
database. ``uvicorn services.portal.main:create_app --factory`` (port 8000 locally).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from services.portal.backend import Backend, ServiceUnavailable
from services.portal.forms import SchemaCache
from services.portal.pages import (
    account,
    auth,
    brokerage,
    edition_forms,
    inbox,
    markets,
    matches,
    meeting_forms,
    operator,
    scenario_awards,
    scenario_forms,
    scenario_panel,
    signup,
    techtransfer,
    verification,
    workbench,
)
from services.portal.pages import catalogue as catalogue_pages
from services.portal.pages import reports as report_pages
from services.portal.pages import roadshows as roadshow_pages
from services.portal.pages import scenarios as scenario_pages
from services.portal.pages import talent as talent_pages
from services.portal.pages.render import render
from services.portal.session import CsrfFailed, SignInRequired, clear_tokens, visitor
from services.portal.settings import PortalSettings, get_portal_settings
from shared.auth import TokenVerifier, install_verifier
from shared.settings import Settings, get_settings
from shared.web import create_service_app

STATIC = Path(__file__).parent / "static"
ROUTERS = [
    auth.router, signup.router, workbench.router, inbox.router, matches.router, operator.router,
    report_pages.router, account.router, verification.router,
    # the markets' own pages before the generic /m/{name} ones; the forms' fixed paths
    # (/m/scenarios/new, /m/editions/new) before the pages' /m/scenarios/{id}
    scenario_forms.router, scenario_panel.router, scenario_awards.router, edition_forms.router,
    meeting_forms.router,
    scenario_pages.router, catalogue_pages.router, talent_pages.router, roadshow_pages.router,
    markets.router, techtransfer.router, brokerage.router,
]  # fmt: skip


def create_app(
    settings: Settings | None = None,
    portal_settings: PortalSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    portal = portal_settings or get_portal_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as client:
            app.state.backend = Backend(portal, client)
            yield

    app = create_service_app(
        "portal", routers=ROUTERS, lifespan=lifespan, settings=settings, checks={},
        description="Duijie portal (web front end)",
        max_body_bytes=talent_pages.CV_MAX_BYTES + 200_000,  # a CV upload and its form fields
    )  # fmt: skip
    app.state.settings = portal
    app.state.schemas = SchemaCache()
    app.state.readiness = {}
    install_verifier(app, verifier)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(SignInRequired)
    async def sign_in_again(request: Request, exc: SignInRequired) -> RedirectResponse:
        target = quote(request.url.path, safe="/")
        response = RedirectResponse(f"/login?expired={int(exc.expired)}&next={target}", 303)
        if exc.expired:
            clear_tokens(response)
        return response

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> HTMLResponse:
        return render(request, "error.html", visitor(request), status=403, problem="csrf")

    @app.exception_handler(ServiceUnavailable)
    async def service_away(request: Request, exc: ServiceUnavailable) -> HTMLResponse:
        return render(request, "error.html", visitor(request), status=503, problem="away",
                      service=exc.service)  # fmt: skip

    return app
