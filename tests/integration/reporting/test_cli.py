"""The annual-report command on the service's snapshot: XLSX, HTML and JSON for the city
and a district, with the same figures as the story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.reporting import cli
from tests.integration.reporting.conftest import RP
from tests.support.reporting import YEAR, check_report

pytestmark = pytest.mark.integration


async def test_snapshot_is_current(rp: RP) -> None:
    await rp.deps.projector.save()  # what the CLI reads


def test_report_command_writes_the_files(rp: RP, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cli, "get_settings", lambda: rp.settings)
    result = CliRunner().invoke(cli.app, ["report", str(YEAR), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    city = json.loads((tmp_path / f"annual-{YEAR}-city.json").read_text(encoding="utf-8"))
    assert check_report(city) == []
    assert (tmp_path / f"annual-{YEAR}-city.xlsx").stat().st_size > 5000
    assert "<svg" in (tmp_path / f"annual-{YEAR}-city.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        cli.app, ["report", str(YEAR), "--district", "haidian", "--out", str(tmp_path), "-q"]
    )
    assert result.exit_code == 0, result.output
    haidian = json.loads((tmp_path / f"annual-{YEAR}-haidian.json").read_text(encoding="utf-8"))
    assert check_report(haidian, district="haidian") == []


def test_unknown_district_is_refused(rp: RP) -> None:
    result = CliRunner().invoke(cli.app, ["report", str(YEAR), "--district", "atlantis"])
    assert result.exit_code == 2
