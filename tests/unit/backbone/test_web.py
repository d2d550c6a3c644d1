"""The service app factory: operational endpoints and error handling, over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from shared.web import create_service_app

pytestmark = pytest.mark.unit
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


class Widget(BaseModel):
    title: str
    count: int


router = APIRouter()


@router.post("/widgets", operation_id="widgets-create")
async def create_widget(widget: Widget) -> Widget:
    return widget


@router.get("/explode", operation_id="widgets-explode")
async def explode() -> None:
    raise RuntimeError("secret internals")


@router.get("/busy", operation_id="widgets-busy")
async def busy() -> None:
    from pymongo.errors import OperationFailure

    raise OperationFailure("database is locked (5) (SQLITE_BUSY)")


async def _ok() -> bool:
    return True


async def _down() -> bool:
    return False


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app(
        "widgets", routers=[router], checks={"broker": _ok, "database": _ok, "search": _down}
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_healthz_is_alive_and_readyz_reports_each_dependency(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"broker": True, "database": True, "search": False}


async def test_validation_errors_are_problem_details_naming_each_field(
    client: httpx.AsyncClient,
) -> None:
    resp = await client.post("/widgets", json={"count": "many"})
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == 422 and body["title"] == "输入不符合要求"
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("title", "missing"),
        ("count", "int_parsing"),
    }
    assert "title: 必填" in body["detail"]
    english = await client.post(
        "/widgets", json={"count": "many"}, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert "title: required" in english.json()["detail"]


async def test_malformed_json_names_the_body_not_a_byte_offset(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/widgets",
        content=b'{"title": "x", "count": 1,,}',
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 422
    (error,) = resp.json()["errors"]
    assert error["field"] == "body" and error["code"] == "json_invalid"


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    big = {"title": "x" * 2_000_000, "count": 1}
    resp = await client.post("/widgets", json=big)
    assert resp.status_code == 413
    assert resp.json()["errors"][0]["code"] == "body_too_large"

    async def chunks():  # no Content-Length: counted as it arrives
        yield b'{"title": "'
        for _ in range(40):
            yield b"y" * 50_000
        yield b'", "count": 1}'

    streamed = await client.post(
        "/widgets", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_unexpected_errors_are_500_without_a_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    resp = await client.get("/explode", headers={"x-correlation-id": "cid-9"})
    assert resp.status_code == 500
    assert "secret internals" not in resp.text
    assert resp.json()["correlationid"] == "cid-9"
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


async def test_trace_context_continues_from_the_caller(client: httpx.AsyncClient) -> None:
    resp = await client.get("/healthz", headers={"traceparent": TRACEPARENT})
    assert resp.headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert resp.headers["x-correlation-id"]


async def test_metrics_and_specs_are_public(client: httpx.AsyncClient) -> None:
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "duijie_events_published_total" in metrics.text
    assert (await client.get("/openapi.json")).json()["paths"]["/widgets"]
    assert (await client.get("/asyncapi.json")).json()["asyncapi"].startswith("3.")
    assert "asyncapi" in (await client.get("/asyncapi")).text.lower()


async def test_a_busy_database_is_503_with_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/busy")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["errors"][0]["code"] == "database_busy"
    assert "SQLITE" not in response.text
