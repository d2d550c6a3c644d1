"""The talent CLI against the real database: seed-demo twice (idempotent), owned by
identity's demo organisations, with its events waiting in the stored changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from services.talent.cli import app
from services.talent.settings import get_talent_settings
from shared.demo import demo_id
from shared.settings import get_settings
from tests.support.databases import isolated_database

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with isolated_database(monkeypatch, "talent", get_talent_settings) as prefix:
        yield prefix


def test_seed_demo_is_idempotent(prefix: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "published" in first.output and "granted" in first.output
    second = runner.invoke(app, ["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "published" not in second.output and "already there" in second.output
    client: MongoClient[dict[str, Any]]
    with MongoClient(get_settings().mongo_url) as client:
        db = client[f"{prefix}_talent"]
        demands = list(db.demands.find())
        agency = db.agencies.find_one({"_id": demo_id("headhunter")})
        claims = list(db.claims.find())
        types = [e["type"] for c in db.changes.find() for e in c.get("events", [])]
    assert len(demands) == 3 and {d["owner_org_id"] for d in demands} == {demo_id("enterprise")}
    assert agency is not None and agency["state"] == "verified"
    assert len(claims) == 1 and claims[0]["agency_id"] == demo_id("headhunter")
    assert types.count("talent.demand.published") == 3
    assert types.count("talent.agency.published") == 1
    assert runner.invoke(app, ["sweep"]).exit_code == 0
