"""The two journeys of the issue, over HTTP on the real engines:

1. post -> agency claims -> candidate -> shortlisted -> interviewed -> offer -> hired ->
   guarantee ends -> support-eligible record -> operator export; events on the topics.
2. an exclusive claim expires; another agency takes the demand over; the first agency
   can no longer submit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.integration.talent.conftest import TL, demand_body, of_type, wait_for_events

pytestmark = pytest.mark.integration


async def test_post_claim_candidate_hire_guarantee_eligible(tl: TL) -> None:
    enterprise = tl.enterprise()
    agency = await tl.agency()
    demand = await tl.demand(enterprise, count=1)
    assert demand["state"] == "published" and demand["claim_capacity"] == 1
    listed = await tl.ok(agency, "GET", "/demands?domain=ic&limit=100")
    assert demand["id"] in [d["id"] for d in listed["items"]]

    edited = await tl.ok(enterprise, "PUT", f"/demands/{demand['id']}",
                         demand_body(count=1, deadline=demand["content"]["deadline"],
                                     description="另需熟悉形式验证"))  # fmt: skip
    assert edited["content"]["description"] == "另需熟悉形式验证"
    claim = await tl.claim(agency, demand["id"])
    assert claim["state"] == "active"
    cand = await tl.submit(agency, demand["id"], n=1)
    assert cand["stage"] == "submitted" and cand["personal"]["phone"] == "13900000001"
    for action, stage in (("shortlist", "shortlisted"), ("interview", "interviewed"),
                          ("offer", "offer"), ("hire", "hired")):  # fmt: skip
        moved = await tl.ok(
            enterprise, "POST", f"/candidates/{cand['id']}/advance", {"action": action}
        )
        assert moved["stage"] == stage
    placement = moved["placement"]
    assert placement["state"] == "guaranteed"
    swept = await tl.sweep()
    assert (swept["claims_expired"], swept["placements_qualified"]) == (0, 0)

    # The demand is filled (count 1): it left the market and its claim ended.
    filled = await tl.ok(enterprise, "GET", f"/demands/{demand['id']}")
    assert filled["state"] == "filled" and filled["hired"] == [cand["id"]]
    assert (await tl.ok(agency, "GET", f"/claims/{claim['id']}"))["state"] == "released"

    tl.clock.offset = dt.timedelta(days=tl.talent.guarantee_days, hours=1)
    swept = await tl.sweep()
    assert swept["placements_qualified"] >= 1
    record = await tl.ok(tl.operator, "GET", f"/placements/{cand['id']}")
    assert record["state"] == "qualified"
    assert record["agency_id"] == agency.organisation_id
    assert record["enterprise_org_id"] == enterprise.organisation_id
    assert record["role_title"] == "芯片验证工程师"

    track = await tl.ok(agency, "GET", f"/agencies/{agency.organisation_id}/record")
    assert track == {"claims_active": 0, "claims_total": 1, "candidates_submitted": 1,
                     "hires": 1, "placements_qualified": 1, "placements_ended": 0}  # fmt: skip

    export = await tl.call(tl.operator, "GET", "/placements/export")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    mine = [r for r in rows if r["placement_id"] == cand["id"]]
    assert len(mine) == 1 and mine[0]["agency_id"] == agency.organisation_id

    seen = await wait_for_events(
        tl, ["demand", "claim", "candidate", "placement"],
        lambda es: bool(of_type(es, "talent.placement.qualified", cand["id"])),
    )  # fmt: skip
    subjects = {e["subject"] for e in seen}
    assert {demand["id"], claim["id"], cand["id"]} <= subjects
    assert len(of_type(seen, "talent.claim.granted", claim["id"])) == 1
    assert [e["data"]["stage"] for e in of_type(seen, "talent.candidate.advanced", cand["id"])] == [
        "shortlisted", "interviewed", "offer", "hired"]  # fmt: skip
    assert of_type(seen, "talent.demand.withdrawn", demand["id"])[0]["data"]["reason"] == "filled"
    updated = of_type(seen, "talent.demand.updated", demand["id"])
    assert len(updated) == 1 and updated[0]["data"]["description"] == "另需熟悉形式验证"
    assert len(of_type(seen, "talent.placement.started", cand["id"])) == 1


async def test_exclusive_claim_expires_and_another_agency_takes_over(tl: TL) -> None:
    enterprise = tl.enterprise()
    first, second = await tl.agency(), await tl.agency()
    demand = await tl.demand(enterprise, exclusive_days=7)
    claim = await tl.claim(first, demand["id"])
    refused = await tl.call(second, "POST", f"/demands/{demand['id']}/claims")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "demand_exclusively_claimed"

    tl.clock.offset = dt.timedelta(days=7) - dt.timedelta(days=tl.talent.remind_days, minutes=-1)
    assert (await tl.sweep())["claims_reminded"] >= 1
    assert (await tl.ok(first, "GET", f"/claims/{claim['id']}"))["reminded"] is True
    tl.clock.offset = dt.timedelta(days=7, minutes=1)
    assert (await tl.sweep())["claims_expired"] >= 1
    expired = await tl.ok(first, "GET", f"/claims/{claim['id']}")
    assert expired["state"] == "expired" and expired["units_freed"] is True

    again = await tl.call(first, "POST", f"/demands/{demand['id']}/claims")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "cooling_off"
    takeover = await tl.claim(second, demand["id"])
    assert takeover["agency_id"] == second.organisation_id
    late = await tl.call(first, "POST", f"/demands/{demand['id']}/candidates", {
        "name": "晚到的人", "phone": "13700000001"})  # fmt: skip
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "no_active_claim"
    assert (await tl.submit(second, demand["id"], n=77))["agency_id"] == second.organisation_id

    seen = await wait_for_events(
        tl, ["claim"], lambda es: bool(of_type(es, "talent.claim.granted", takeover["id"]))
    )
    assert len(of_type(seen, "talent.claim.expired", claim["id"])) == 1
    assert len(of_type(seen, "talent.claim.reminded", claim["id"])) == 1


async def test_suspending_an_agency_ends_its_claims_and_hides_the_list(tl: TL) -> None:
    enterprise = tl.enterprise()
    agency, other = await tl.agency(), await tl.agency()
    demand = await tl.demand(enterprise)
    claim = await tl.claim(agency, demand["id"])
    await tl.ok(tl.operator, "POST", f"/agencies/{agency.organisation_id}/suspend",
                {"reason": "资质过期"})  # fmt: skip
    ended = await tl.ok(enterprise, "GET", f"/claims/{claim['id']}")
    assert ended["state"] == "released" and ended["reason"] == "agency_suspended"
    assert (await tl.call(agency, "GET", "/demands")).status_code == 403
    assert (await tl.claim(other, demand["id"]))["agency_id"] == other.organisation_id
    back = await tl.ok(tl.operator, "POST", f"/agencies/{agency.organisation_id}/verify")
    assert back["state"] == "verified"
    seen = await wait_for_events(tl, ["agency"], lambda es: len(
        of_type(es, "talent.agency.published", agency.organisation_id)) == 2)  # fmt: skip
    withdrawn = of_type(seen, "talent.agency.withdrawn", agency.organisation_id)
    assert len(withdrawn) == 1 and withdrawn[0]["data"]["reason"] == "资质过期"
