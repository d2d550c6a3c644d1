"""A candidate's personal data (name, phone, e-mail, CV) reaches the enterprise and the
submitting agency only: never an event (on Kafka or in the stored changes), never a log
line, never another party's response."""

from __future__ import annotations

import json
import logging

import pytest

from tests.integration.talent.conftest import PDF, TL, of_type, wait_for_events

pytestmark = pytest.mark.integration

NAME, PHONE, EMAIL = "隐私测试张三丰", "139 1111 2222", "Zhang.Sanfeng@privacy.example"
CV_MARK = b"SECRET-CV-MARKER-7731"
NEEDLES = ["隐私测试张三丰", "13911112222", "139 1111 2222", "1111 2222", "zhang.sanfeng",
           "Zhang.Sanfeng", "privacy.example", "SECRET-CV-MARKER"]  # fmt: skip


def leaks(text: str) -> list[str]:
    return [n for n in NEEDLES if n.lower() in text.lower()]


async def test_personal_data_stays_with_the_enterprise_and_the_agency(
    tl: TL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for name in ("services", "shared"):
        caplog.set_level(logging.DEBUG, logger=name)
    enterprise, other_enterprise = tl.enterprise(), tl.enterprise()
    agency, other_agency = await tl.agency(), await tl.agency()
    demand = await tl.demand(enterprise, claim_mode="open", open_k=3)
    await tl.claim(agency, demand["id"])
    await tl.claim(other_agency, demand["id"])
    body = {"name": NAME, "phone": PHONE, "email": EMAIL, "summary": "资深"}
    cand = await tl.ok(agency, "POST", f"/demands/{demand['id']}/candidates", body)
    pdf = {"Content-Type": "application/pdf"}
    cv = await tl.call(
        agency, "PUT", f"/candidates/{cand['id']}/cv", content=PDF + CV_MARK, headers=pdf
    )
    assert cv.status_code == 200, cv.text
    for action in ("shortlist", "interview", "offer", "hire"):
        await tl.ok(enterprise, "POST", f"/candidates/{cand['id']}/advance", {"action": action})

    # The two parties see the person.
    for party in (enterprise, agency):
        seen = await tl.ok(party, "GET", f"/candidates/{cand['id']}")
        assert seen["personal"]["name"] == NAME and seen["personal"]["phone"] == "13911112222"
        download = await tl.call(party, "GET", f"/candidates/{cand['id']}/cv")
        assert download.status_code == 200 and CV_MARK in download.content

    # Everyone else: nothing, whatever they ask.
    others = [other_agency, other_enterprise, tl.operator]
    responses = []
    duplicate = await tl.call(other_agency, "POST", f"/demands/{demand['id']}/candidates", body)
    assert duplicate.status_code == 409
    responses.append(duplicate)
    for caller in others:
        for path in (f"/candidates/{cand['id']}", f"/candidates/{cand['id']}/cv",
                     f"/demands/{demand['id']}/candidates", f"/demands/{demand['id']}",
                     "/claims?limit=100", "/placements?limit=100", f"/placements/{cand['id']}",
                     "/demands?limit=100"):  # fmt: skip
            response = await tl.call(caller, "GET", path)
            assert response.status_code != 500
            responses.append(response)
    responses.append(await tl.call(tl.operator, "GET", "/placements/export"))
    not_theirs = await tl.call(other_agency, "GET", f"/candidates/{cand['id']}")
    assert not_theirs.status_code == 404
    listed = await tl.ok(other_agency, "GET", f"/demands/{demand['id']}/candidates")
    assert listed["items"] == []
    for response in responses:
        assert leaks(response.text) == [], (response.request.url, response.text[:300])

    # Events: on every talent topic, and as stored in the changes (the outbox).
    events = await wait_for_events(
        tl, ["demand", "agency", "claim", "candidate", "placement"],
        lambda es: bool(of_type(es, "talent.placement.started", cand["id"])),
    )  # fmt: skip
    assert leaks(json.dumps(events, ensure_ascii=False)) == []
    attached = of_type(events, "talent.candidate.cv_attached", cand["id"])
    assert len(attached) == 1 and attached[0]["data"]["cv_size"] == len(PDF + CV_MARK)
    submitted = of_type(events, "talent.candidate.submitted", cand["id"])[0]
    assert len(submitted["data"]["person_hash"]) == 32
    stored = await tl.deps.repos.candidates.changes.find({}, {"events": 1}).to_list()
    assert stored and leaks(json.dumps(stored, ensure_ascii=False, default=str)) == []

    # Logs of the whole flow.
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "submitted" in logged  # the flow did log, by ids
    assert leaks(logged) == []
