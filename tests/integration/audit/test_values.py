"""Values at the edges, in the fields where they bite (issue 17): integers past 8 bytes
(the database's limit), negative money, date-times without a zone or in year 0 / 9999,
full-width digits and booleans for numbers, 10,000-element lists, huge query strings.
Each must be a 4xx problem naming the field (or, where noted, accepted as meant), never
a 500."""

from __future__ import annotations

from typing import Any

import pytest

from shared.auth import OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.probes import caller_of, problem_fault
from tests.integration.audit.recipes import RECIPES
from tests.integration.roadshows.conftest import roadshow_body

pytestmark = pytest.mark.integration
HUGE = 10**30
DATES = ["2027-03-01T09:00:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
         "２０２７-03-01T09:00:00Z"]  # fmt: skip


def _recipe(service: str, path: str) -> Any:
    return next(r for r in RECIPES if r.service == service and r.path == path)


CASES: list[tuple[str, str, dict[str, Any], str]] = []
for service, path, field, values in [
    ("talent", "/demands", "salary_band_cny", [[HUGE, HUGE], [-1, 5], [1, -1]]),
    ("talent", "/demands", "count", [HUGE, -1, True, "１"]),
    ("talent", "/demands", "deadline", DATES),
    ("talent", "/demands", "keywords", [["k"] * 10_000]),
    ("catalogue", "/needs", "budget_cny", [[HUGE, HUGE], [-5, 10]]),
    ("catalogue", "/needs", "deadline", DATES),
    ("catalogue", "/applications", "price_band", [[HUGE, HUGE], [-1, 1]]),
    ("catalogue", "/applications", "parameters", [[{"name": "a", "value": "b"}] * 10_000]),
    ("roadshows", "/pitches", "ask_cny", [HUGE, -1, True]),
    ("roadshows", "/pitches", "revenue_cny", [HUGE, -1]),
    ("roadshows", "/mandates", "ticket_cny", [[HUGE, HUGE], [-1, 1]]),
    ("scenarios", "/scenarios", "budget_cny", [[HUGE, HUGE], [-1, 1]]),
    ("scenarios", "/scenarios", "deadline", DATES),
    ("scenarios", "/scenarios", "award_slots", [HUGE, 0, True]),
    ("scenarios", "/capabilities", "trl", [True, "７", HUGE]),
    ("techtransfer", "/offers", "trl", [True, "７", HUGE]),
    ("techtransfer", "/needs", "budget_cny", [[HUGE, HUGE], [-1, 1]]),
]:
    for value in values:
        CASES.append((service, path, {field: value}, field))


@pytest.mark.parametrize(("service", "path", "change", "field"), CASES,
                         ids=[f"{c[0]}{c[1]}-{c[3]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
async def test_an_edge_value_is_refused_naming_its_field(
    services: dict[str, Service], service: str, path: str, change: dict, field: str
) -> None:
    recipe = _recipe(service, path)
    response = await services[service].call(
        caller_of(recipe.owner), "POST", path, recipe.body | change
    )
    assert problem_fault(response) is None, response.text[:300]
    named = [e["field"] for e in response.json()["errors"]]
    assert any(n == field or n.startswith(f"{field}.") for n in named), response.text[:300]


@pytest.mark.parametrize(
    ("service", "path", "params"),
    [("roadshows", "/roadshows", {"month": "9" * 10_000}),
     ("roadshows", "/compliance", {"month": "0000-00"}),
     ("roadshows", "/compliance", {"months": HUGE}),
     ("reporting", "/funnels", {"district": "区" * 1_000}),
     ("reporting", "/funnels", {"year": HUGE}),
     ("reporting", "/durations", {"domain": "\x00"}),
     ("techtransfer", "/offers", {"trl_min": "７"})],
)  # fmt: skip
async def test_a_hostile_query_string_is_refused(
    services: dict[str, Service], service: str, path: str, params: dict
) -> None:
    response = await services[service].call(caller_of(OrgType.operator), "GET", path,
                                             params=params)  # fmt: skip
    assert problem_fault(response) is None, response.text[:300]


@pytest.mark.parametrize(
    ("starts", "ends"),
    [("9999-12-31T20:00:00Z", "9999-12-31T23:00:00Z"), ("0001-01-01T00:00:00Z",
      "0001-01-01T02:00:00Z"), ("2027-03-01T09:00:00", "2027-03-01T11:00:00")],
)  # fmt: skip
async def test_a_roadshow_out_of_any_calendar_is_refused(
    services: dict[str, Service], starts: str, ends: str
) -> None:
    body = roadshow_body() | {"starts_at": starts, "ends_at": ends}
    response = await services["roadshows"].call(caller_of(OrgType.operator), "POST",
                                                "/roadshows", body)  # fmt: skip
    assert problem_fault(response) is None, response.text[:300]
    assert "starts_at" in [e["field"] for e in response.json()["errors"]], response.text
