# ruff: noqa: E501
"""Every route declares who may call it, and a caller sees only its own organisation's
pairs: a matrix over the routes with a demander, a supplier, a stranger and an operator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.matching.api.routes import ROUTERS, install_error_handler
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from shared.auth import OrgType, install_verifier, undeclared_routes
from shared.web import install_error_handlers
from tests.integration.matching_service.records import change, record
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.problems import code_of

pytestmark = pytest.mark.integration

MINT = TokenMint()
DEMANDER = make_caller(OrgType.enterprise, org_id="org-demand")
SUPPLIER = make_caller(OrgType.university, org_id="org-supply")
STRANGER = make_caller(OrgType.enterprise, org_id="org-stranger")
OPERATOR = make_caller(OrgType.operator, org_id="org-operator")
CALLERS = {"demander": DEMANDER, "supplier": SUPPLIER, "stranger": STRANGER, "operator": OPERATOR}


def build_app(deps: Deps) -> FastAPI:
    app = FastAPI()
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)  # the house mapping, as create_app installs it
    install_error_handler(app)
    app.state.deps = deps
    install_verifier(app, MINT.verifier())
    return app


@pytest.fixture
async def client(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://matching") as client:
        yield client


def test_every_route_declares_its_callers(deps: Deps) -> None:
    assert undeclared_routes(build_app(deps)) == []


async def test_the_route_matrix(deps: Deps, client: httpx.AsyncClient) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    pair = f"{need.id}/{offer.id}"
    feedback = {"feedback": "relevant"}
    search = {"kind": "tech_offer", "query": {"q": "大模型"}}
    # (method, path, body) -> expected status per caller
    matrix = [
        ("GET", "/search/tech_offer?q=私有化部署", None, {"demander": 200, "supplier": 200, "stranger": 200, "operator": 200}),
        ("GET", f"/matches?demand_id={need.id}", None, {"demander": 200, "supplier": 200, "stranger": 200, "operator": 200}),
        ("GET", f"/matches/{pair}", None, {"demander": 200, "supplier": 200, "stranger": 404, "operator": 200}),
        ("GET", f"/why-not/{pair}", None, {"demander": 200, "supplier": 200, "stranger": 404, "operator": 200}),
        ("POST", f"/matches/{pair}/feedback", feedback, {"demander": 200, "supplier": 200, "stranger": 404, "operator": 403}),
        ("GET", "/pair-history/org-supply", None, {"demander": 200, "supplier": 200, "stranger": 200, "operator": 200}),
        ("POST", "/saved-searches", search, {"demander": 201, "supplier": 201, "stranger": 201, "operator": 201}),
        ("GET", "/saved-searches", None, {"demander": 200, "supplier": 200, "stranger": 200, "operator": 200}),
    ]  # fmt: skip
    for method, path, body, expected in matrix:
        for bad, token in MINT.bad_tokens(DEMANDER).items():
            response = await client.request(method, path, json=body, headers=bearer(token))
            assert response.status_code == 401, (method, path, bad)
        for who, status in expected.items():
            headers = bearer(MINT.token(CALLERS[who]))
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == status, (method, path, who, response.text)

    async def visible(who: str, path: str) -> list:
        response = await client.get(path, headers=bearer(MINT.token(CALLERS[who])))
        body = response.json()
        return body["items"] if isinstance(body, dict) else body

    assert [m["supply_id"] for m in await visible("demander", "/matches")] == [offer.id]
    assert [m["demand_id"] for m in await visible("supplier", "/matches")] == [need.id]
    assert await visible("stranger", "/matches") == []
    assert await visible("stranger", f"/matches?demand_id={need.id}") == []
    assert len(await visible("operator", "/matches")) == 1
    # the matrix gave "relevant" once as the demander and once as the supplier
    history = await visible("demander", "/pair-history/org-supply")
    assert [(h["action"], h.get("side")) for h in history] == [
        ("suggested", None),
        ("relevant", "demand"),
        ("relevant", "supply"),
    ]
    assert await visible("stranger", "/pair-history/org-supply") == []
    # saved searches are per user: another user cannot see or delete them
    mine = await visible("demander", "/saved-searches")
    assert len(mine) == 1
    other = await client.delete(
        f"/saved-searches/{mine[0]['id']}", headers=bearer(MINT.token(STRANGER))
    )
    assert other.status_code == 403
    own = await client.delete(
        f"/saved-searches/{mine[0]['id']}", headers=bearer(MINT.token(DEMANDER))
    )
    assert own.status_code == 204


async def test_search_returns_highlights_and_facets(deps: Deps, client: httpx.AsyncClient) -> None:
    for trl in (7, 8, 5):
        await apply_change(
            deps, change(record("tech_offer", "org-supply", attributes={"trl": trl}))
        )
    headers = bearer(MINT.token(DEMANDER))
    response = await client.get(
        "/search/tech_offer",
        params={"q": "私有化部署", "trl_min": 6, "domains": ["ai"], "limit": 1},
        headers=headers,
    )
    body = response.json()
    assert response.status_code == 200 and body["total"] == 2 and len(body["items"]) == 1
    assert "<em>" in str(body["items"][0]["highlights"])
    assert {f["value"]: f["count"] for f in body["facets"]["trl"]} == {7: 1, 8: 1}
    assert body["facets"]["domains"][0] == {"value": "ai", "count": 2}
    page2 = await client.get(
        "/search/tech_offer", params={"q": "私有化部署", "trl_min": 6, "limit": 1, "offset": 1},
        headers=headers,
    )  # fmt: skip
    assert page2.json()["items"][0]["record"]["id"] != body["items"][0]["record"]["id"]
    unknown = await client.get("/search/spaceship", headers=headers)
    assert unknown.status_code == 422 and code_of(unknown.json()) == "unknown_kind"
    inverted = await client.get(
        "/search/tech_offer", params={"trl_min": 8, "trl_max": 3}, headers=headers
    )
    assert inverted.status_code == 422 and code_of(inverted.json()) == "range_inverted"
    for params in ({"offset": 10**19}, {"limit": 10**19}, {"offset": 9_990, "limit": 50}):
        deep = await client.get("/search/tech_offer", params=params, headers=headers)
        assert deep.status_code == 422, (params, deep.text)
    huge = await client.get("/matches", params={"offset": 10**19}, headers=headers)
    assert huge.status_code == 422 and code_of(huge.json()) == "less_than_equal"
