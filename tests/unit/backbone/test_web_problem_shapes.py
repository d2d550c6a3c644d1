"""Every answer a client gets from the house app is one problem details shape, also where
FastAPI/Starlette answer by themselves (unknown route, wrong method, a body too deeply
nested to parse), for a server error and a busy database; and a path segment is bounded
(issue 17, found by tests/integration/audit)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from shared.web import create_service_app

pytestmark = pytest.mark.unit
router = APIRouter()


class Widget(BaseModel):
    title: str


@router.post("/widgets", operation_id="w-create")
async def create(widget: Widget) -> Widget:
    return widget


@router.get("/widgets/{widget_id}", operation_id="w-get")
async def read(widget_id: str) -> dict[str, str]:
    return {"id": widget_id}


@router.get("/explode", operation_id="w-explode")
async def explode() -> None:
    raise RuntimeError("secret internals")


@router.get("/busy", operation_id="w-busy")
async def busy() -> None:
    from pymongo.errors import OperationFailure

    raise OperationFailure("database is locked (5) (SQLITE_BUSY)")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app("widgets", routers=[router], checks={})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def _problem(response: httpx.Response, status: int, code: str, lang: str = "zh") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == status and body["errors"][0]["code"] == code
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in body["title"] + body["detail"])
    assert cjk is (lang == "zh"), body
    return body


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    _problem(await client.get("/nowhere"), 404, "not_found")
    _problem(await client.get("/nowhere", headers={"accept-language": "en"}), 404, "not_found",
             "en")  # fmt: skip


async def test_a_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/widgets")
    _problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


async def test_a_body_nested_too_deep_to_parse_is_a_400_problem(
    client: httpx.AsyncClient,
) -> None:
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    response = await client.post(
        "/widgets", content=deep, headers={"content-type": "application/json"}
    )
    assert _problem(response, 400, "body_unreadable")["errors"][0]["field"] == "body"


async def test_a_server_error_is_a_500_problem_with_the_correlation_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/explode", headers={"x-correlation-id": "cid-7"})
    body = _problem(response, 500, "internal_error")
    assert body["correlationid"] == "cid-7" and "secret" not in response.text


async def test_a_busy_database_is_a_503_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/busy", headers={"accept-language": "en"})
    _problem(response, 503, "database_busy", "en")
    assert response.headers["retry-after"] == "1" and "SQLITE" not in response.text


async def test_a_huge_path_segment_is_a_414_problem(client: httpx.AsyncClient) -> None:
    assert (await client.get("/widgets/" + "x" * 256)).status_code == 200
    _problem(await client.get("/widgets/" + "x" * 257), 414, "path_too_long")
    # bytes, not characters: 100 emoji are 1,200 bytes once percent-encoded
    _problem(await client.get("/widgets/" + "😀" * 100), 414, "path_too_long")


def test_the_openapi_document_describes_the_problem_shape() -> None:
    app = create_service_app("widgets", routers=[router], checks={})
    doc = app.openapi()
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    item = doc["components"]["schemas"]["ProblemError"]
    assert set(item["properties"]) == {"field", "code", "message"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "4XX" in responses, (method, path)
            for code, response in responses.items():
                if code.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], code
    assert "HTTPValidationError" not in doc["components"]["schemas"]
