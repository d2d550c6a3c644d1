"""Every market route that makes a record visible to others declares the one publish gate
(``shared.auth.VERIFIED``): a self-signed-up organisation drafts, but publishes nothing
until an operator has verified it. Creating with ``publish: true`` checks it in the route
(techtransfer; covered by tests/integration/identity/test_sign_up.py)."""

from __future__ import annotations

import importlib

import pytest
from fastapi.routing import APIRoute

from shared.auth import require_verified

pytestmark = pytest.mark.unit

GATED = [
    ("techtransfer.api.offers", "POST", "/offers/{offer_id}/publish"),
    ("techtransfer.api.needs", "POST", "/needs/{need_id}/publish"),
    ("catalogue.api.applications", "POST", "/applications/{application_id}/submit"),
    ("catalogue.api.needs", "POST", "/needs"),
    ("talent.api.demands", "POST", "/demands"),
    ("scenarios.api.scenarios", "POST", "/scenarios"),
    ("scenarios.api.records", "POST", "/capabilities"),
    ("scenarios.api.proposals", "POST", "/scenarios/{scenario_id}/proposals"),
    ("roadshows.api.records", "POST", "/mandates"),
    ("roadshows.api.records", "POST", "/pitches"),
    ("roadshows.api.applications", "POST", "/roadshows/{roadshow_id}/applications"),
    ("roadshows.api.seats", "POST", "/roadshows/{roadshow_id}/seats"),
]
# drafting stays open to everyone allowed to draft
OPEN = [
    ("techtransfer.api.offers", "POST", "/offers"),
    ("techtransfer.api.offers", "PATCH", "/offers/{offer_id}"),
    ("catalogue.api.applications", "POST", "/applications"),
    ("catalogue.api.applications", "PUT", "/applications/{application_id}"),
]


def _route(module: str, method: str, path: str) -> APIRoute:
    router = importlib.import_module(f"services.{module}").router
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            return route
    raise AssertionError(f"{method} {path} not in services.{module}")


def _gated(route: APIRoute) -> bool:
    return any(dep.call is require_verified for dep in route.dependant.dependencies)


@pytest.mark.parametrize(("module", "method", "path"), GATED)
def test_publishing_routes_declare_the_gate(module: str, method: str, path: str) -> None:
    assert _gated(_route(module, method, path))


@pytest.mark.parametrize(("module", "method", "path"), OPEN)
def test_drafting_routes_do_not(module: str, method: str, path: str) -> None:
    assert not _gated(_route(module, method, path))
