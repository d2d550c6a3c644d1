"""Who may call what: every route against every kind of caller (the matrix), 401 without
a token, a district official kept to its district, and bad input answered 4xx naming
the field."""

from __future__ import annotations

import pytest

from shared.auth import Caller, OrgType
from tests.integration.reporting.conftest import RP
from tests.support.reporting import YEAR

pytestmark = pytest.mark.integration

CALLERS = {
    "operator": (OrgType.operator, "op-1", None, None),
    "gov_haidian": (OrgType.government, "gov-hd", "haidian", "district"),
    "gov_chaoyang": (OrgType.government, "gov-cy", "chaoyang", "district"),
    "department": (OrgType.government, "dept-1", None, "department"),
    "ent_a": (OrgType.enterprise, "ent-a", "haidian", None),
    "ent_b": (OrgType.enterprise, "ent-b", "chaoyang", None),
    "university": (OrgType.university, "uni-1", None, None),
    "soe": (OrgType.soe, "soe-1", None, None),
    "investor": (OrgType.investor, "inv-1", None, None),
    "headhunter": (OrgType.headhunter, "hh-1", None, None),
}
FIGURES = {"operator", "gov_haidian", "gov_chaoyang"}
ROUTES: dict[str, tuple[str, dict, set[str]]] = {
    "profile ent-a": ("/enterprises/ent-a/profile", {}, {"operator", "gov_haidian", "ent_a"}),
    "funnels": ("/funnels", {"year": YEAR}, FIGURES),
    "funnels haidian": ("/funnels", {"district": "haidian"}, {"operator", "gov_haidian"}),
    "durations": ("/durations", {}, FIGURES),
    "durations chaoyang": ("/durations", {"district": "chaoyang"}, {"operator", "gov_chaoyang"}),
    "annual report": (f"/reports/annual/{YEAR}", {}, FIGURES),
    "annual report haidian": (f"/reports/annual/{YEAR}", {"district": "haidian"},
                              {"operator", "gov_haidian"}),
    "alerts": ("/alerts", {}, set(CALLERS)),
    "status": ("/status", {}, {"operator"}),
}  # fmt: skip


def caller_of(rp: RP, name: str) -> Caller:
    org_type, org_id, district, kind = CALLERS[name]
    return rp.caller(org_type, org_id, district, kind)


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_matrix(rp: RP, route: str) -> None:
    path, params, allowed = ROUTES[route]
    got = {}
    for name in CALLERS:
        response = await rp.get(caller_of(rp, name), path, **params)
        got[name] = response.status_code
        if response.status_code == 403:
            assert response.json()["errors"][0]["code"], response.text
    assert got == {name: 200 if name in allowed else 403 for name in CALLERS}
    assert (await rp.get(None, path, **params)).status_code == 401


async def test_district_official_is_kept_to_its_district(rp: RP) -> None:
    response = await rp.get(caller_of(rp, "gov_chaoyang"), "/funnels", year=YEAR)
    body = response.json()
    assert body["district"] == "chaoyang"
    assert {r["market"] for r in body["rows"]} == {"techtransfer", "catalogue", "talent"}
    alerts = (await rp.get(caller_of(rp, "ent_a"), "/alerts")).json()["items"]
    assert all(a["recipient_org_id"] == "ent-a" for a in alerts)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/reports/annual/1999", {}, "year"),
        ("/funnels", {"district": "Haidian!"}, "district"),
        ("/funnels", {"year": 12}, "year"),
        ("/funnels", {"group_by": "planet"}, "group_by"),
        ("/funnels", {"market": "moon"}, "market"),
        (f"/reports/annual/{YEAR}", {"format": "pdf"}, "format"),
        ("/enterprises/a%20b/profile", {}, "org_id"),
    ],
)
async def test_bad_input_names_the_field(rp: RP, path: str, params: dict, field: str) -> None:
    response = await rp.get(caller_of(rp, "operator"), path, **params)
    assert response.status_code == 422, response.text
    assert any(field in e["field"] for e in response.json()["errors"]), response.text


async def test_unknown_enterprise_is_404(rp: RP) -> None:
    response = await rp.get(caller_of(rp, "operator"), "/enterprises/nobody/profile")
    assert response.status_code == 404
