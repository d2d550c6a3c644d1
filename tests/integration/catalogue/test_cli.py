"""The catalogue CLI against the real database: seed-demo twice (idempotent), owned by
identity's demo organisations, with its events waiting in the stored changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from services.catalogue.cli import app
from services.catalogue.settings import get_catalogue_settings
from shared.demo import demo_id
from shared.settings import get_settings
from tests.support.databases import isolated_database

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with isolated_database(monkeypatch, "catalogue", get_catalogue_settings) as prefix:
        yield prefix


def test_seed_demo_is_idempotent(prefix: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "edition demo-2026-01 published" in first.output and "docking proposed" in first.output
    second = runner.invoke(app, ["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "published" not in second.output and "already there" in second.output
    client: MongoClient[dict[str, Any]]
    with MongoClient(get_settings().mongo_url) as client:
        db = client[f"{prefix}_catalogue"]
        products = {p["_id"]: p for p in db.products.find()}
        assert set(products) == {"demo-prod-inspection-robot", "demo-prod-edge-gateway"}
        assert {p["owner_org_id"] for p in products.values()} == {demo_id("enterprise")}
        assert all(p["state"] == "listed" for p in products.values())
        need = db.needs.find_one({"_id": "demo-need-substation-robots"})
        assert need is not None and need["owner_org_id"] == demo_id("soe")
        types = {e["type"] for c in db.changes.find() for e in c["events"]}
        assert {"catalogue.product.published", "catalogue.edition.published",
                "catalogue.docking.proposed", "catalogue.launch.scheduled"} <= types  # fmt: skip
