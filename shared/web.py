"""The FastAPI app factory every service uses, so every service looks the same from outside.

:func:`create_service_app` adds the public operational endpoints (``/healthz``,
``/readyz``, ``/metrics``, ``/asyncapi.json``, ``/asyncapi``; FastAPI serves
``/openapi.json`` and ``/docs``), JSON logging with correlation ids, an OpenTelemetry
server span per request continued from an incoming ``traceparent``, a 422 handler with
one clear message per field, and a 500 handler that logs every unexpected error (with
its correlation id) and never sends a traceback to the client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.site import get_asyncapi_html
from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo.errors import AutoReconnect, PyMongoError, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.db import create_mongo_client, ping_mongo
from shared.deadletters_api import dead_letter_app
from shared.errors import DuijieError, Problem, TooLarge
from shared.limits import MAX_BODY_BYTES, MAX_PATH_SEGMENT_BYTES
from shared.observability import (
    bound_correlation_id,
    context_from_traceparent,
    current_traceparent,
    setup_observability,
    tracer,
)
from shared.problems import error_response, problem_response, validation_problems
from shared.search import create_search_client, ping_search
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[bool]]
PUBLIC_PATHS = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/asyncapi.json",
    "/asyncapi",
)
CORRELATION_HEADER = "x-correlation-id"


class _BodyLimit:
    """Pure ASGI middleware: a request body over ``max_bytes`` is a 413 problem, whether
    its ``Content-Length`` says so up front or a chunked body grows past it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> TooLarge:
        n = self.max_bytes
        return TooLarge(
            "body", "body_too_large", zh=f"请求体不能超过 {n} 字节", en=f"at most {n} bytes"
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        accept = headers.get(b"accept-language", b"").decode().lower()
        lang = "en" if accept.startswith("en") else "zh"
        raw = scope.get("raw_path") or scope.get("path", "").encode()
        if any(len(part) > MAX_PATH_SEGMENT_BYTES for part in raw.split(b"/")):
            # ids travel on to the database and the search engine (whose request line
            # holds 4 KiB): a huge one is refused here, for every route
            n = MAX_PATH_SEGMENT_BYTES
            err = TooLarge("path", "path_too_long", zh=f"路径的每一段不能超过 {n} 字节",
                           en=f"each path segment is at most {n} bytes")  # fmt: skip
            err.status, err.title_zh, err.title_en = 414, "地址过长", "URI too long"
            await error_response(err, lang)(scope, receive, send)
            return
        length = headers.get(b"content-length", b"").decode()
        if length.isdigit() and int(length) > self.max_bytes:
            await error_response(self._too_large(), lang)(scope, receive, send)
            return
        seen, over = 0, False

        async def counted() -> dict[str, Any]:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise self._too_large()
            return message

        async def answer(message: dict[str, Any]) -> None:
            # FastAPI turns any error while reading a body into its own 400: once the
            # body ran over, the 413 is sent instead of whatever the app answers.
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await error_response(self._too_large(), lang)(scope, receive, send)

        await self.app(scope, counted, answer)


class _RequestContext:
    """Pure ASGI middleware: correlation id + server span around every request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        parent = context_from_traceparent(headers.get("traceparent"))
        name = f"{scope.get('method', 'HTTP')} {scope.get('path', '')}"
        with (
            bound_correlation_id(headers.get(CORRELATION_HEADER)) as cid,
            tracer().start_as_current_span(name, context=parent, kind=trace.SpanKind.SERVER),
        ):
            scope.setdefault("state", {})["correlationid"] = cid
            traceparent = current_traceparent()

            async def send_with_ids(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    extra = [(CORRELATION_HEADER.encode(), cid.encode())]
                    if traceparent:
                        extra.append((b"traceparent", traceparent.encode()))
                    message["headers"] = list(message.get("headers", [])) + extra
                await send(message)

            try:
                await self.app(scope, receive, send_with_ids)
            except Exception:
                # Logged here, while the correlation id and span are still current.
                log.exception("unhandled error in %s", name)
                raise


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(exc.errors(), getattr(exc, "body", None))
    return problem_response(
        422, problems, lang=request_language(request),
        title=("输入不符合要求", "Invalid input"), code="invalid_input",
    )  # fmt: skip


def _database_busy(exc: BaseException) -> bool:
    """The database could not take the request now (unreachable, or FerretDB's SQLite
    answering "database is locked" under concurrent writes): the caller may retry."""
    if isinstance(exc, AutoReconnect | ServerSelectionTimeoutError):
        return True
    return isinstance(exc, PyMongoError) and "database is locked" in str(exc)


def request_language(request: Request) -> str:
    """``en`` when the caller prefers English (``Accept-Language``), else ``zh``."""
    accept = request.headers.get("accept-language", "").strip().lower()
    return "en" if accept.startswith("en") else "zh"


async def _duijie_error(request: Request, exc: Exception) -> JSONResponse:
    """Every :class:`shared.errors.DuijieError` as RFC 9457 problem details."""
    assert isinstance(exc, DuijieError)
    return error_response(exc, request_language(request))


#: what Starlette/FastAPI answer by themselves (no route, wrong method, an unreadable
#: body such as JSON nested past the parser's recursion limit), as (code, field, zh, en)
_HTTP_ERRORS: dict[int, tuple[str, str, str, str]] = {
    400: ("body_unreadable", "body", "请求体无法解析", "the body could not be read"),
    404: ("not_found", "path", "没有这个地址", "no such address"),
    405: ("method_not_allowed", "method", "此地址不支持该请求方法", "method not allowed here"),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own HTTP errors in the house shape (never ``{"detail": "Not Found"}``)."""
    assert isinstance(exc, StarletteHTTPException)
    code, field, zh, en = _HTTP_ERRORS.get(
        exc.status_code, ("http_error", "request", "请求无法处理", "the request cannot be handled")
    )
    return problem_response(
        exc.status_code, [Problem(field, code, zh, en)], lang=request_language(request),
        title=(zh, en), code=code, headers=dict(exc.headers or {}),
    )  # fmt: skip


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    cid = request.scope.get("state", {}).get("correlationid")
    if _database_busy(exc):
        headers = {"Retry-After": "1", **({CORRELATION_HEADER: cid} if cid else {})}
        zh, en = "数据库繁忙，请稍后重试", "the database is busy, retry shortly"
        return problem_response(
            503, [Problem("database", "database_busy", zh, en)],
            lang=request_language(request), title=("服务暂不可用", "Service unavailable"),
            code="database_busy", headers=headers, extensions={"correlationid": cid},
        )  # fmt: skip
    return await _internal_error(request, exc)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    cid = request.scope.get("state", {}).get("correlationid")
    zh, en = "服务器内部错误，请稍后重试", "internal server error, retry later"
    return problem_response(
        500, [Problem("request", "internal_error", zh, en)], lang=request_language(request),
        title=("服务器内部错误", "Internal server error"), code="internal_error",
        headers={CORRELATION_HEADER: cid} if cid else None,
        extensions={"correlationid": cid},  # to quote to the operators
    )  # fmt: skip


def install_error_handlers(app: FastAPI) -> None:
    """The house error mapping: validation errors, :class:`DuijieError` as problem
    details, and anything unexpected as a 500 (503 when the database is busy) with no
    traceback sent."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DuijieError, _duijie_error)
    app.add_exception_handler(Exception, _unexpected_error)


def default_checks(settings: Settings, broker: KafkaBroker | None) -> dict[str, Check]:
    """Reachability of broker, database and search at the configured addresses."""
    clients: dict[str, Any] = {}

    async def kafka() -> bool:
        if broker is not None and broker.running:
            return bool(await broker.ping(2.0))
        host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2.0)
        except (OSError, TimeoutError):
            return False
        writer.close()
        return True

    async def database() -> bool:
        client = clients.setdefault(
            "mongo", create_mongo_client(settings, serverSelectionTimeoutMS=2000)
        )
        return await ping_mongo(client)

    async def search() -> bool:
        client = clients.setdefault("search", create_search_client(settings, timeout=2))
        return await ping_search(client)

    return {"broker": kafka, "database": database, "search": search}


def create_service_app(
    name: str,
    *,
    routers: Sequence[APIRouter],
    lifespan: Any = None,
    broker: KafkaBroker | None = None,
    settings: Settings | None = None,
    checks: Mapping[str, Check] | None = None,
    version: str = "0.1.0",
    description: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    **fastapi_kwargs: Any,
) -> FastAPI:
    """A FastAPI app for service ``name`` with the house endpoints and error handling.

    ``max_body_bytes`` bounds every request body (413 above it; a service taking file
    uploads raises it for itself). ``checks`` adds or replaces readiness checks
    (``broker``, ``database``, ``search`` by default). ``broker`` is the service's
    FastStream broker: its subscribers and declared publishers make up ``/asyncapi.json``.
    """
    settings = settings or get_settings()
    setup_observability(name, settings.log_level)
    app = FastAPI(
        title=f"duijie-{name}",
        version=version,
        description=description or f"Duijie {name} service",
        lifespan=lifespan,
        **fastapi_kwargs,
    )
    app.state.service = name
    app.state.readiness = {**default_checks(settings, broker), **(checks or {})}
    app.state.broker = broker
    for router in routers:
        app.include_router(router)

    install_error_handlers(app)
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(_RequestContext)

    ops = APIRouter(tags=["operations"])

    @ops.get("/healthz", operation_id="operations-healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive (no dependencies checked)."""
        return {"status": "ok", "service": name}

    @ops.get("/readyz", operation_id="operations-readyz")
    async def readyz() -> JSONResponse:
        """Broker, database and search are reachable."""
        checks_now: dict[str, Check] = app.state.readiness
        results = await asyncio.gather(*(_safe(c) for c in checks_now.values()))
        status = dict(zip(checks_now, results, strict=True))
        ok = all(status.values())
        return JSONResponse(
            status_code=200 if ok else 503,
            content={"status": "ready" if ok else "not ready", "checks": status},
        )

    @ops.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @ops.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(asyncapi_document(app).to_jsonable())

    @ops.get("/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(get_asyncapi_html(asyncapi_document(app)))

    app.include_router(ops)
    document_problems(app)
    # Operators list and replay this service's dead letters (shared/deadletters_api.py).
    app.mount("/ops", dead_letter_app(name, settings, app))
    return app


PROBLEM_SCHEMAS: dict[str, Any] = {
    "ProblemError": {
        "type": "object",
        "required": ["field", "code", "message"],
        "properties": {
            "field": {"type": "string", "description": "JSON path into the request"},
            "code": {"type": "string", "description": "stable machine code"},
            "message": {"type": "string", "description": "zh-CN, or English by Accept-Language"},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details, the one error body of every service",
        "required": ["type", "title", "status", "detail", "errors"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
            "correlationid": {"type": "string", "description": "on a 5xx: quote it"},
        },
    },
}


def document_problems(app: FastAPI) -> None:
    """The OpenAPI document names the error body the app really sends: every operation's
    4xx (FastAPI's own 422 ``HTTPValidationError`` included) is ``application/problem+json``
    with the ``Problem`` schema."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, response in responses.items():
                    if code.startswith("4"):
                        response["content"] = ref
                responses.setdefault("4XX", {"description": "问题详情 / problem details",
                                             "content": ref})  # fmt: skip
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        schemas.update(PROBLEM_SCHEMAS)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def asyncapi_document(app: FastAPI) -> Any:
    """The service's AsyncAPI 3.0 specification (generated by FastStream)."""
    broker = app.state.broker or KafkaBroker(get_settings().kafka_bootstrap)
    return AsyncAPI(
        broker,
        title=app.title,
        version=app.version,
        description=f"Events consumed and published by {app.state.service}",
    ).to_specification()


async def _safe(check: Check) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), 3.0))
    except Exception:
        return False


def serve(service: str, host: str, port: int) -> None:
    """Run ``services.<service>.main:create_app`` under uvicorn (``python -m services.<x>``)."""
    import uvicorn

    uvicorn.run(
        f"services.{service}.main:create_app", factory=True, host=host, port=port, access_log=False
    )
