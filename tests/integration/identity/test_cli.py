"""The identity CLI against the real database: bootstrap operator, demo data (twice),
key rotation and the cultivation sweep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from services.identity.cli import app
from services.identity.demo import demo_id
from services.identity.settings import get_identity_settings
from shared.settings import get_settings
from tests.support.databases import isolated_database

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with isolated_database(monkeypatch, "identity", get_identity_settings) as prefix:
        yield prefix


def test_cli_commands(prefix: str) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["create-operator", "--email", "ops@test.duijie.local", "--name", "运营"],
        env={"DUIJIE_OPERATOR_PASSWORD": "Operator-Passw0rd"},
    )
    assert created.exit_code == 0, created.output
    assert "Operator-Passw0rd" not in created.output
    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["seed-demo"])
    assert second.exit_code == 0 and second.output.count("already there") == 7
    rotated = runner.invoke(app, ["rotate-keys"])
    assert rotated.exit_code == 1  # the first key was made moments ago
    assert runner.invoke(app, ["rotate-keys", "--force"]).exit_code == 0
    assert runner.invoke(app, ["sweep-tiers"]).exit_code == 0
    with MongoClient(get_settings().mongo_url) as client:
        db = client[f"{prefix}_identity"]
        assert db.users.count_documents({}) == 8
        assert db.organisations.count_documents({}) == 8
        enterprise = db.organisations.find_one({"_id": demo_id("enterprise")})
        assert "cultivation" in enterprise["tiers"]["memberships"]
        assert db.signing_keys.count_documents({}) == 2
