"""``seed-demo`` on a throw-away database: the demo calendar, safe to run twice, and a
month with no roadshow that the compliance view flags as about to be missed."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from services.roadshows import cli
from services.roadshows.settings import get_roadshows_settings
from tests.support.databases import isolated_database

pytestmark = pytest.mark.integration


def test_seed_demo_twice_and_the_flagged_month(monkeypatch: pytest.MonkeyPatch) -> None:
    with isolated_database(monkeypatch, "roadshows", get_roadshows_settings):
        runner = CliRunner()
        first = runner.invoke(cli.app, ["seed-demo"])
        assert first.exit_code == 0, first.output
        again = runner.invoke(cli.app, ["seed-demo"])
        assert again.exit_code == 0 and again.output == first.output
        assert "(held)" in first.output and "(scheduled)" in first.output
        assert "at_risk (about to be missed: True)" in first.output

        async def stored(deps: cli.Deps) -> tuple[int, int, int, int]:
            r = deps.repos
            return (await r.mandates.count({}), await r.pitches.count({}),
                    await r.roadshows.count({}), await r.applications.count({}))  # fmt: skip

        assert cli.run(stored) == (1, 1, 2, 1)

        async def flags(deps: cli.Deps) -> dict[str, str]:
            from services.roadshows.domain.calendar import month_of, months_from
            from services.roadshows.usecases import calendar as uc

            this = month_of(dt.datetime.now(dt.UTC))
            cells = await uc.compliance(deps, months_from(this, 2)[1], 1, "ai")
            return {c.month: c.status for c in cells}

        assert list(cli.run(flags).values()) == ["open"]  # flagged only in its last 7 days
