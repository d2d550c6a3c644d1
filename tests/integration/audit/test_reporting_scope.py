"""Reporting's read side, as every org type asking about someone else (issue 17): a district
sees its own district only, an enterprise its own profile only, and nobody else the
operators' figures."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.probes import caller_of, problem_fault
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration
OTHERS = [OrgType.enterprise, OrgType.university, OrgType.soe, OrgType.investor,
          OrgType.headhunter]  # fmt: skip


async def test_a_district_reads_its_own_district_only(services: dict[str, Service]) -> None:
    reporting = services["reporting"]
    district = make_caller(OrgType.government, district="haidian")
    faults = []
    for path, params in (("/funnels", {"district": "chaoyang"}),
                         ("/durations", {"district": "chaoyang"}),
                         ("/reports/annual/2026", {"district": "chaoyang"})):  # fmt: skip
        r = await reporting.call(district, "GET", path, params=params)
        if r.status_code != 403 or problem_fault(r):
            faults.append(f"{path} {params}: {r.status_code} {r.text[:160]}")
    assert not faults, faults


async def test_nobody_reads_another_enterprises_profile(services: dict[str, Service]) -> None:
    reporting = services["reporting"]
    target = make_caller(OrgType.enterprise)
    faults = []
    for org_type in OTHERS:
        r = await reporting.call(caller_of(org_type), "GET",
                                 f"/enterprises/{target.organisation_id}/profile")  # fmt: skip
        if r.status_code not in (403, 404):
            faults.append(f"{org_type}: {r.status_code} {r.text[:160]}")
    # (/alerts answers each organisation the alerts addressed to it: not probed here)
    for path in ("/funnels", "/durations", "/reports/annual/2026", "/status"):
        for org_type in OTHERS:
            r = await reporting.call(caller_of(org_type), "GET", path)
            if r.status_code < 300:
                faults.append(f"{org_type} {path}: {r.status_code} {r.text[:120]}")
    assert not faults, "\n".join(faults)
