"""The expert's one sheet for every proposal, the publisher's selection, the results'
winner names, an edition's entries and an investor's meeting request: what each sends,
and each refusal beside the input it names."""

from __future__ import annotations

from typing import Any

from shared.auth import OrgType
from tests.unit.portal.conftest import CSRF, as_org, problem
from tests.unit.portal.test_scenario_forms import _error_beside

CRITERIA = [{"code": "tech", "name": "技术方案", "weight": 60, "scale": 10},
            {"code": "price", "name": "报价", "weight": 40, "scale": 10}]  # fmt: skip
SCENARIO = {"id": "scn-1", "publisher_org_id": "org-gov", "state": "published",
            "content": {"title": "积水感知", "criteria": CRITERIA, "award_slots": 1,
                        "deadline": "2026-12-01T10:00:00Z"}}  # fmt: skip


def _proposal(n: int) -> dict[str, Any]:
    return {"id": f"p{n}", "enterprise_org_id": f"org-e{n}", "state": "submitted",
            "content": {"approach": f"方案{n}", "price_cny": 1_000_000 * n}}  # fmt: skip


def _scenario_with_two_proposals(backend: Any) -> None:
    backend.on("scenarios", "GET", "/scenarios/scn-1", (200, SCENARIO))
    backend.on("scenarios", "GET", "/scenarios/scn-1/proposals",
               (200, {"items": [_proposal(1), _proposal(2)]}))  # fmt: skip
    for n in (1, 2):
        backend.on("identity", "GET", f"/organisations/org-e{n}",
                   (200, {"id": f"org-e{n}", "profile": {"name": f"企业{n}"}}))  # fmt: skip


def test_one_sheet_scores_every_proposal_and_keeps_what_was_saved(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.university, org="org-u", user="expert-1")
    _scenario_with_two_proposals(backend)
    backend.on(
        "scenarios",
        "GET",
        "/scenarios/scn-1/panel",
        (
            200,
            {"state": "open", "experts": [{"user_id": "expert-1"}], "conflicts": [], "cards": []},
        ),
    )
    sheet = client.get("/m/scenarios/scn-1/score")
    assert sheet.text.count('name="score.') == 4 and "企业1" in sheet.text
    assert sheet.text.count("<form") == 3  # sign out, conflict, one sheet for all

    def score(body: Any) -> tuple[int, Any]:
        if body["scores"]["tech"] > 10:
            return problem(422, ("scores.tech", "分值须在0至10之间"))
        return 200, {}

    backend.on("scenarios", "POST", "/scenarios/scn-1/scores", score)
    data = {"csrf": CSRF, "score.p1.tech": "8", "score.p1.price": "7", "score.p2.tech": "11",
            "score.p2.price": "5"}  # fmt: skip
    page = client.post("/m/scenarios/scn-1/score", data=data)
    assert backend.posted("/scenarios/scn-1/scores") == [
        {"proposal_id": "p1", "scores": {"tech": 8, "price": 7}},
        {"proposal_id": "p2", "scores": {"tech": 11, "price": 5}},
    ]
    assert page.status_code == 422 and "其余 1 份已保存。" in page.text
    assert _error_beside(page.text, "f-score-p2-tech", "分值须在0至10之间")
    fixed = client.post("/m/scenarios/scn-1/score", data={**data, "score.p2.tech": "9"})
    assert fixed.headers["location"] == "/m/scenarios/scn-1/score?saved=2"


def test_a_declared_conflict_takes_the_applicant_off_the_sheet(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.investor, org="org-i", user="expert-2")
    _scenario_with_two_proposals(backend)
    backend.on("scenarios", "GET", "/scenarios/scn-1/panel", (200, {
        "state": "open", "experts": [], "cards": [],
        "conflicts": [{"user_id": "expert-2", "enterprise_org_id": "org-e1"}]}))  # fmt: skip
    backend.on("scenarios", "POST", "/scenarios/scn-1/conflicts", (200, {}))
    answer = client.post("/m/scenarios/scn-1/conflicts",
                         data={"csrf": CSRF, "enterprise_org_id": "org-e2"})  # fmt: skip
    assert answer.headers["location"] == "/m/scenarios/scn-1/score?declared=1"
    assert backend.posted("/scenarios/scn-1/conflicts") == [{"enterprise_org_id": "org-e2"}]
    sheet = client.get("/m/scenarios/scn-1/score?declared=1")
    assert "score.p1." not in sheet.text and "score.p2.tech" in sheet.text
    assert "已声明利益冲突，回避评分。" in sheet.text


def test_the_publisher_awards_from_the_ranking_with_names(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.government, org="org-gov")
    _scenario_with_two_proposals(backend)
    ranking = [{"proposal_id": f"p{n}", "enterprise_org_id": f"org-e{n}", "rank": n,
                "weighted_score": 90.0 - n, "price_cny": n} for n in (1, 2)]  # fmt: skip
    backend.on("scenarios", "GET", "/scenarios/scn-1/panel",
               (200, {"state": "closed", "experts": [{}], "ranking": ranking}))  # fmt: skip
    page = client.get("/m/scenarios/scn-1/selection")
    assert "企业1" in page.text and "企业2" in page.text and "确定中选" in page.text
    backend.on("scenarios", "POST", "/scenarios/scn-1/awards",
               problem(422, ("reason", "该方案排名第2，偏离评审排名须说明理由")))  # fmt: skip
    refused = client.post("/m/scenarios/scn-1/selection/award",
                          data={"csrf": CSRF, "proposal_id": "p2", "reason": ""})  # fmt: skip
    assert _error_beside(refused.text, "f-reason-p2", "该方案排名第2，偏离评审排名须说明理由")
    backend.on("scenarios", "POST", "/scenarios/scn-1/results", (200, {}))
    done = client.post("/m/scenarios/scn-1/selection/results", data={"csrf": CSRF})
    assert done.headers["location"] == "/m/scenarios/scn-1/selection?done=published"


def test_results_name_the_winners_for_a_signed_in_reader_only(portal: Any) -> None:
    client, backend, _ = portal
    row = {"scenario_id": "scn-1", "title": "积水感知", "domain": "ai", "state": "awarded",
           "awarded_org_ids": ["org-e1"]}  # fmt: skip
    backend.on("scenarios", "GET", "/results", (200, {"items": [row], "total": 1}))
    backend.on("identity", "GET", "/organisations/org-e1", (200, {"profile": {"name": "企业1"}}))
    assert "企业1" in client.get("/results").text
    client.cookies.delete("dj_access")
    anonymous = client.get("/results").text
    assert "企业1" not in anonymous and "1 家" in anonymous and "登录后可查看" in anonymous


def test_the_operator_adds_entries_and_a_refused_one_is_marked(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.operator)
    backend.on(
        "catalogue",
        "GET",
        "/editions/2027-Q1",
        (200, {"id": "2027-Q1", "title": "2027 一季度", "state": "open", "entries": {}}),
    )
    apps = [{"id": f"a{n}", "spec": {"title": f"产品{n}"}} for n in (1, 2)]
    backend.on("catalogue", "GET", "/applications", (200, {"items": apps}))

    def add(body: Any) -> tuple[int, Any]:
        if body["application_id"] == "a2":
            return problem(422, ("expires_at", "有效期须晚于当前时间"))
        return 200, {}

    backend.on("catalogue", "POST", "/editions/2027-Q1/entries", add)
    data = {"csrf": CSRF, "application_id": ["a1", "a2"], "expires.a2": "2020-01-01"}
    page = client.post("/m/editions/2027-Q1/entries", data=data)
    assert backend.posted("/editions/2027-Q1/entries") == [
        {"application_id": "a1"},
        {"application_id": "a2", "expires_at": "2020-01-01T23:59:59+08:00"},
    ]
    assert _error_beside(page.text, "f-expires-a2", "有效期须晚于当前时间")
    assert "其余 1 项已添加。" in page.text
    nothing = client.post("/m/editions/2027-Q1/entries", data={"csrf": CSRF})
    assert "请至少勾选一项申请。" in nothing.text


def test_an_investor_requests_a_meeting_with_a_pitch_of_the_domain(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.investor)
    backend.on("roadshows", "GET", "/roadshows/rs-1",
               (200, {"id": "rs-1", "content": {"title": "AI 专场", "domain": "ai"}}))  # fmt: skip
    pitches = [
        {"id": f"pi-{n}", "owner_org_id": f"org-e{n}", "content": {"title": t, "domains": [d]}}
        for n, t, d in ((1, "视觉质检", "ai"), (2, "电池", "energy"))
    ]
    backend.on("roadshows", "GET", "/pitches", (200, {"items": pitches}))
    backend.on("identity", "GET", "/organisations/org-e1", (200, {"profile": {"name": "企业1"}}))
    form = client.get("/m/roadshows/rs-1/request").text
    assert "视觉质检 · 企业1" in form and "电池" not in form
    backend.on("roadshows", "POST", "/roadshows/rs-1/meetings",
               problem(409, ("roadshow_id", "需持有本场路演席位才能约见")))  # fmt: skip
    refused = client.post("/m/roadshows/rs-1/request", data={"csrf": CSRF, "pitch_id": "pi-1"})
    assert refused.status_code == 409 and "需持有本场路演席位才能约见" in refused.text
    backend.on("roadshows", "POST", "/roadshows/rs-1/meetings", (201, {"id": "m-1"}))
    done = client.post("/m/roadshows/rs-1/request", data={"csrf": CSRF, "pitch_id": "pi-1"})
    assert done.headers["location"] == "/m/roadshows/rs-1/meetings?done=request"
