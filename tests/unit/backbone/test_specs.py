"""Every service's OpenAPI and AsyncAPI documents generate and are internally consistent."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from shared.broker import create_broker
from shared.consuming import EventConsumer
from shared.events.asyncapi import declare_publishers
from shared.events.contracts.techtransfer import TechNeedPublished
from shared.web import asyncapi_document, create_service_app

pytestmark = pytest.mark.unit
SERVICES = sorted(p.parent.name for p in (Path(__file__).parents[3] / "services").glob("*/main.py"))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"external ref {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"dangling ref {ref}"
        node = node[part]
    return node


def check_documents(app: FastAPI) -> tuple[dict[str, Any], dict[str, Any]]:
    openapi = json.loads(json.dumps(app.openapi()))
    asyncapi = json.loads(json.dumps(asyncapi_document(app).to_jsonable()))
    assert openapi["openapi"].startswith("3.")
    assert asyncapi["asyncapi"].startswith("3.")
    for doc in (openapi, asyncapi):
        for ref in _refs(doc):
            _resolve(doc, ref)
    return openapi, asyncapi


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_serves_valid_openapi_and_asyncapi(service: str) -> None:
    module = importlib.import_module(f"services.{service}.main")
    app = module.create_app()
    openapi, _ = check_documents(app)
    assert "/healthz" in openapi["paths"]


def test_a_service_with_consumers_and_publishers_documents_both() -> None:
    broker = create_broker(service="demo")
    consumer = EventConsumer(broker, service="demo")

    @consumer.on(TechNeedPublished)
    async def handle(payload: Any, event: Any) -> None: ...

    declare_publishers(broker, ["techtransfer.offer.published"], service="demo")
    app = create_service_app("demo", routers=[], broker=broker)
    _, asyncapi = check_documents(app)
    assert set(asyncapi["channels"]) == {
        "demo:consume:techtransfer.need",
        "demo:publish:techtransfer.offer",
    }
    schema = json.dumps(asyncapi["components"]["schemas"])
    assert "techtransfer.need.published" in schema and "min_trl" in schema


def test_the_check_fails_on_a_broken_document() -> None:
    broker = create_broker(service="broken")

    @broker.subscriber("x")
    async def handle(body: NotDefinedAnywhere) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    app = create_service_app("broken", routers=[], broker=broker)
    with pytest.raises(Exception):  # noqa: B017 - any failure to generate is the point
        check_documents(app)
