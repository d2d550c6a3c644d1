"""The canvas README lists every event type the service publishes (by topic) and every
route, so the README cannot drift from the AsyncAPI document and the routers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.roadshows.api.routes import ROUTERS
from shared.bootstrap import published_types
from shared.events import registry

pytestmark = pytest.mark.unit

README = (Path(__file__).resolve().parents[3] / "services" / "roadshows" / "README.md").read_text()


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_published_event_type_is_in_the_canvas() -> None:
    rows = dict(re.findall(r"^\| `(roadshows\.\w+)` \| (.+) \|$", README, re.M))
    missing = []
    for type_ in published_types("roadshows"):
        row = rows.get(registry.topic_for(type_), "")
        verb = type_.rsplit(".", 1)[1]
        if f"`{type_}`" not in row and f"`{verb}`" not in row:
            missing.append(type_)
    assert missing == []


def test_every_route_is_in_the_canvas() -> None:
    text = _norm(README)
    missing = []
    for router in ROUTERS:
        for route in router.routes:
            path = _norm(getattr(route, "path", ""))
            last = "/" + path.rstrip("/").rsplit("/", 1)[-1]
            if path not in text and f"`{last}`" not in text and f", `{last}" not in text:
                missing.append(path)
    assert missing == []
