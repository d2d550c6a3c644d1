"""Bad input gets a 4xx naming the field and the rule, never a 500, and leaves nothing
partial behind (no claim slot, no person key, no file)."""

from __future__ import annotations

import pytest

from tests.integration.talent.conftest import PDF, TL, agency_body, candidate_body, demand_body

pytestmark = pytest.mark.integration


def problem(response) -> tuple[int, set[str]]:
    body = response.json()
    fields = {e.get("field") for e in body.get("errors", body.get("detail", []))}
    return response.status_code, fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "带\x07控制符"}, "title"),
        ({"domains": []}, "domains"),
        ({"domains": ["Not A Code"]}, "domains.0"),
        ({"seniority": "guru"}, "seniority"),
        ({"count": 0}, "count"),
        ({"count": "3"}, "count"),
        ({"count": True}, "count"),
        ({"salary_band_cny": [900000, 100000]}, "salary_band_cny"),
        ({"deadline": "2020-01-01T00:00:00+00:00"}, "deadline"),
        ({"deadline": "2030-01-01T00:00:00"}, "deadline"),
        ({"claim_mode": "auction"}, "claim_mode"),
        ({"claim_mode": "open", "open_k": 0}, "open_k"),
        ({"claim_mode": "open", "open_k": 21}, "open_k"),
        ({"open_k": 3}, "open_k"),
        ({"exclusive_days": 91}, "exclusive_days"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_bad_demands_name_the_field(tl: TL, overrides: dict, field: str) -> None:
    owner = tl.enterprise()
    response = await tl.call(owner, "POST", "/demands", demand_body(**overrides))
    status, fields = problem(response)
    assert status == 422 and field in fields, response.text
    assert (await tl.ok(owner, "GET", "/demands"))["total"] == 0


async def test_bad_candidates_and_cvs(tl: TL) -> None:
    owner, agency = tl.enterprise(), await tl.agency()
    demand = await tl.demand(owner)
    path = f"/demands/{demand['id']}/candidates"
    await tl.claim(agency, demand["id"])
    for phone in ("12345", "0101234567", "2381234567a", "138123456789"):
        response = await tl.call(agency, "POST", path, candidate_body(1, phone=phone))
        assert problem(response) == (422, {"phone"}), response.text
        assert response.json()["errors"][0]["code"] == "malformed_phone"
    response = await tl.call(agency, "POST", path, candidate_body(1, email="not-an-email"))
    assert problem(response) == (422, {"email"})
    assert (await tl.ok(owner, "GET", path))["total"] == 0
    # The refused attempts took no person key: the same person is accepted now.
    cand = await tl.submit(agency, demand["id"], n=1)

    cv = f"/candidates/{cand['id']}/cv"
    big = PDF + b"0" * tl.talent.cv_max_bytes
    cases = [
        (big, "application/pdf", 413, "cv_too_large"),
        (b"MZ\x90\x00 not a pdf", "application/pdf", 422, "cv_content_mismatch"),
        (PDF, "application/x-msdownload", 422, "cv_type_not_allowed"),
        (PDF, "text/html", 422, "cv_type_not_allowed"),
    ]
    for content, ctype, status, code in cases:
        response = await tl.call(
            agency, "PUT", cv, content=content, headers={"Content-Type": ctype}
        )
        assert response.status_code == status, response.text
        assert response.json()["errors"][0] == {
            **response.json()["errors"][0],
            "field": "cv",
            "code": code,
        }
    assert (await tl.ok(agency, "GET", f"/candidates/{cand['id']}"))["cv"] is None
    assert await tl.deps.repos.files.col.count_documents({"owner": cand["id"]}) == 0
    pdf = {"Content-Type": "application/pdf"}
    ok = await tl.call(agency, "PUT", cv, content=PDF, headers=pdf)
    assert ok.status_code == 200 and ok.json()["cv"]["size"] == len(PDF)


async def test_claims_on_closed_demands_and_unverified_agencies(tl: TL) -> None:
    owner = tl.enterprise()
    demand = await tl.demand(owner)
    pending = await tl.agency(verified=False)
    response = await tl.call(pending, "POST", f"/demands/{demand['id']}/claims")
    assert (
        response.status_code == 403
        and response.json()["errors"][0]["code"] == "agency_not_verified"
    )
    listed = await tl.call(pending, "GET", "/demands")
    assert listed.status_code == 403

    await tl.ok(owner, "POST", f"/demands/{demand['id']}/withdraw", {"reason": "岗位取消"})
    agency = await tl.agency()
    response = await tl.call(agency, "POST", f"/demands/{demand['id']}/claims")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "demand_closed"
    missing = await tl.call(agency, "POST", "/demands/nope/claims")
    assert missing.status_code == 404
    # The refused claim left no slot behind on the agency.
    mine = await tl.ok(agency, "GET", "/claims")
    assert mine["total"] == 0


async def test_agency_registration_and_pipeline_rules(tl: TL) -> None:
    hh = await tl.agency(verified=False)
    again = await tl.call(hh, "POST", "/agencies", agency_body())
    assert again.status_code == 409
    bad = await tl.call(
        hh, "PUT", f"/agencies/{hh.organisation_id}", agency_body(qualifications=[])
    )
    assert problem(bad) == (422, {"qualifications"})
    op_without_org = await tl.call(tl.operator, "POST", "/agencies", agency_body())
    assert problem(op_without_org) == (422, {"org_id"})
    no_reason = await tl.call(tl.operator, "POST", f"/agencies/{hh.organisation_id}/suspend", {})
    assert problem(no_reason) == (422, {"reason"})

    owner, agency = tl.enterprise(), await tl.agency()
    demand = await tl.demand(owner)
    await tl.claim(agency, demand["id"])
    cand = await tl.submit(agency, demand["id"], n=9)
    skip = await tl.call(owner, "POST", f"/candidates/{cand['id']}/advance", {"action": "hire"})
    assert skip.status_code == 409 and skip.json()["errors"][0]["field"] == "state"
    blank = await tl.call(owner, "POST", f"/candidates/{cand['id']}/reject", {"reason": "   "})
    assert problem(blank)[0] == 422
    rejected = await tl.ok(
        owner, "POST", f"/candidates/{cand['id']}/reject", {"reason": "经验不足"}
    )
    assert rejected["stage"] == "rejected" and rejected["history"][-1]["reason"] == "经验不足"
    edit = await tl.call(owner, "PUT", f"/demands/{demand['id']}", demand_body(claim_mode="open"))
    assert edit.status_code == 409 and edit.json()["errors"][0]["code"] == "claim_mode_fixed"


async def test_qualification_documents(tl: TL) -> None:
    agency = await tl.agency(verified=False)
    path = f"/agencies/{agency.organisation_id}/documents/hr_service_licence"
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 100
    cases = [
        (PDF + b"0" * tl.talent.cv_max_bytes, "application/pdf", 413, "document_too_large"),
        (b"<html>", "text/html", 422, "document_type_not_allowed"),
        (PDF, "image/png", 422, "document_content_mismatch"),
    ]
    for content, ctype, status, code in cases:
        response = await tl.call(
            agency, "PUT", path, content=content, headers={"Content-Type": ctype}
        )
        assert response.status_code == status and response.json()["errors"][0]["code"] == code
    passport = f"/agencies/{agency.organisation_id}/documents/passport"
    bad_kind = await tl.call(
        agency, "PUT", passport, content=PDF, headers={"Content-Type": "application/pdf"}
    )
    assert problem(bad_kind) == (422, {"kind"})
    assert (await tl.ok(agency, "GET", f"/agencies/{agency.organisation_id}"))["documents"] == []
    first = await tl.call(
        agency, "PUT", path, content=PDF, headers={"Content-Type": "application/pdf"}
    )
    assert first.status_code == 200
    second = await tl.call(agency, "PUT", path, content=png, headers={"Content-Type": "image/png"})
    docs = second.json()["documents"]
    assert len(docs) == 1 and docs[0]["content_type"] == "image/png"
    assert await tl.deps.repos.files.col.count_documents({"owner": agency.organisation_id}) == 1
    seen = await tl.call(tl.operator, "GET", path)
    assert seen.status_code == 200 and seen.content == png


async def test_problems_speak_chinese_first_and_english_on_request(tl: TL) -> None:
    owner, agency = tl.enterprise(), await tl.agency()
    demand = await tl.demand(owner)
    await tl.claim(agency, demand["id"])
    path = f"/demands/{demand['id']}/candidates"
    zh = await tl.call(agency, "POST", path, candidate_body(2, phone="12345678901"))
    en = await tl.call(agency, "POST", path, candidate_body(2, phone="12345678901"),
                       headers={"Accept-Language": "en-GB,en;q=0.8"})  # fmt: skip
    assert zh.headers["content-type"].startswith("application/problem+json")
    assert "手机号" in zh.json()["errors"][0]["message"]
    assert "mobile" in en.json()["errors"][0]["message"]
    assert zh.json()["type"] == "urn:duijie:problem:malformed_phone"


async def test_every_reason_is_required_and_not_blank(tl: TL) -> None:
    owner, agency = tl.enterprise(), await tl.agency()
    demand = await tl.demand(owner)
    claim = await tl.claim(agency, demand["id"])
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}):
        for caller, path in (
            (owner, f"/claims/{claim['id']}/revoke"),
            (owner, f"/demands/{demand['id']}/withdraw"),
            (tl.operator, f"/agencies/{agency.organisation_id}/suspend"),
        ):
            response = await tl.call(caller, "POST", path, body)
            assert problem(response) == (422, {"reason"}), (path, body, response.text)
    assert (await tl.ok(owner, "GET", f"/claims/{claim['id']}"))["state"] == "active"
