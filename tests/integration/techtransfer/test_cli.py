"""The techtransfer CLI against the real database: seed-demo twice (idempotent), owned by
identity's demo organisations, with the publication events waiting in the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from services.techtransfer.cli import app
from services.techtransfer.settings import get_techtransfer_settings
from shared.demo import demo_id
from shared.settings import get_settings
from tests.support.databases import isolated_database

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with isolated_database(monkeypatch, "techtransfer", get_techtransfer_settings) as prefix:
        yield prefix


def test_seed_demo_is_idempotent(prefix: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "published" in first.output
    second = runner.invoke(app, ["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "published" not in second.output and "already there" in second.output
    with MongoClient(get_settings().mongo_url) as client:
        db = client[f"{prefix}_techtransfer"]
        offers = list(db.offers.find())
        needs = list(db.needs.find())
        changes = list(db.changes.find({"kind": "tech_offer"}))  # saved for the relay
    assert len(offers) == 3 and len(needs) == 2
    owners = {d["owner"]["org_id"] for d in offers + needs}
    assert owners == {demo_id("university"), demo_id("enterprise")}
    assert all(d["state"] == "published" for d in offers + needs)
    types = [e["type"] for c in changes for e in c["events"]]
    assert types.count("techtransfer.offer.published") == 3
    assert runner.invoke(app, ["sweep"]).exit_code == 0
