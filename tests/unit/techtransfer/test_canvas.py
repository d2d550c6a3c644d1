"""The canvas README lists exactly the events the service declares in its AsyncAPI
document (every registered ``techtransfer.*`` type, by topic), and every route."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Mount

from services.techtransfer.main import ROUTERS
from shared.bootstrap import published_types
from shared.web import create_service_app

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[3] / "services" / "techtransfer" / "README.md"


def test_every_published_event_type_is_in_the_canvas() -> None:
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `(techtransfer\.\w+)` \| (.+) \|$", README.read_text(), re.M)
    }
    listed = set()
    for topic, text in rows.items():
        verbs = set(re.findall(r"`(\w+)`", text))
        if "the same five" in text:
            verbs |= set(re.findall(r"`(\w+)`", rows["techtransfer.offer"]))
        listed |= {f"{topic}.{verb}" for verb in verbs}
    assert set(published_types("techtransfer")) <= listed, sorted(
        set(published_types("techtransfer")) - listed
    )


def test_every_route_is_in_the_canvas() -> None:
    text = README.read_text()
    app = create_service_app("techtransfer", routers=ROUTERS)
    for route in app.routes:
        path = getattr(route, "path", "")
        if isinstance(route, Mount):  # house sub-apps (shared/web.py), not the service's
            continue
        if not path or path in {"/healthz", "/readyz", "/metrics", "/asyncapi.json", "/asyncapi"}:
            continue
        if path.startswith(("/openapi", "/docs", "/redoc")):
            continue
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if last.startswith("{"):
            last = path.rstrip("/").rsplit("/", 2)[-2]
        assert last in text, f"{path} is not in the canvas"
