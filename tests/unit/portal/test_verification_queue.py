"""The operators' verification queue against a canned identity (issue 17): what it lists
(the declaration and the admin's contact), what Verify and Reject send, identity's
refusals beside the reason or the button, CSRF, the operator's navigation link, the
workbench's 待审核机构 N, and every text in English from en.po."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from services.portal.i18n import catalogue
from shared.auth import OrgType
from tests.unit.portal.conftest import CSRF, as_org, problem

TEMPLATES = Path(__file__).resolve().parents[3] / "services" / "portal" / "templates"
LITERAL = re.compile(r"""_\(["']((?:[^"'\\]|\\.)+)["']""")
ORG = {
    "id": "org-new", "created_at": "2026-12-01T02:00:00Z", "standing": "pending_verification",
    "profile": {"type": "enterprise", "name": "北京自助注册科技有限公司",
                "credit_code": "91110108551385082Q", "district": "haidian",
                "founding_date": "2024-06-01", "domains": ["ai"]},
}  # fmt: skip
ADMIN = {"id": "u-1", "name": "李娜", "email": "li.na@example.cn", "role": "admin"}


def _queue(backend: Any, items: list[dict[str, Any]] | None = None) -> None:
    items = [ORG] if items is None else items
    page = {"items": items, "total": len(items), "limit": 20, "offset": 0}
    backend.on("identity", "GET", "/organisations", (200, page))
    backend.on("identity", "GET", "/organisations/org-new/users",
               (200, {"items": [ADMIN], "total": 1, "limit": 20, "offset": 0}))  # fmt: skip


def _operator(portal: Any) -> tuple[Any, Any]:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.operator, org="org-ops")
    return client, backend


def test_the_queue_lists_each_declaration_with_its_admin_contact(portal: Any) -> None:
    client, backend = _operator(portal)
    _queue(backend)
    page = client.get("/m/sign-ups")
    assert page.status_code == 200
    for shown in ("北京自助注册科技有限公司", "91110108551385082Q", "海淀区", "2024-06-01",
                  "李娜", "li.na@example.cn", 'action="/m/sign-ups/org-new/verify"',
                  'action="/m/sign-ups/org-new/reject"', f'value="{CSRF}"'):  # fmt: skip
        assert shown in page.text, shown
    assert '<label for="reason-org-new">' in page.text
    assert 'href="/m/sign-ups" aria-current="page"' in page.text  # the operator's navigation


def test_verify_and_reject_send_identitys_calls_and_return_to_the_queue(portal: Any) -> None:
    client, backend = _operator(portal)
    _queue(backend)
    backend.on("identity", "POST", "/organisations/org-new/verify", (200, ORG))
    backend.on("identity", "POST", "/organisations/org-new/reject", (200, ORG))
    done = client.post("/m/sign-ups/org-new/verify", data={"csrf": CSRF})
    assert done.status_code == 303 and done.headers["location"] == "/m/sign-ups?done=verified"
    reason = "统一社会信用代码与企业名称不符"
    done = client.post("/m/sign-ups/org-new/reject", data={"csrf": CSRF, "reason": f" {reason} "})
    assert done.headers["location"] == "/m/sign-ups?done=rejected"
    assert backend.posted("/organisations/org-new/reject") == [{"reason": reason}]
    assert "已驳回" in client.get("/m/sign-ups?done=rejected").text


def test_a_refused_reason_stands_beside_the_reason(portal: Any) -> None:
    client, backend = _operator(portal)
    _queue(backend)
    backend.on("identity", "POST", "/organisations/org-new/reject",
               problem(422, ("reason", "理由至少 2 个字")))  # fmt: skip
    page = client.post("/m/sign-ups/org-new/reject", data={"csrf": CSRF, "reason": "x"})
    assert page.status_code == 422
    beside = re.search(r'<textarea id="reason-org-new"[^>]*aria-describedby="([^"]+)"', page.text)
    assert beside and f'id="{beside.group(1)}">理由至少 2 个字' in page.text
    assert ">x</textarea>" in page.text  # what was typed is kept


def test_a_decision_already_taken_is_said_beside_the_button_or_above(portal: Any) -> None:
    client, backend = _operator(portal)
    _queue(backend)
    taken = problem(409, ("", "该机构不在待审核状态"))
    backend.on("identity", "POST", "/organisations/org-new/verify", taken)
    page = client.post("/m/sign-ups/org-new/verify", data={"csrf": CSRF})
    assert page.status_code == 409
    assert 'aria-describedby="verify-org-new-error"' in page.text
    assert 'id="verify-org-new-error">该机构不在待审核状态' in page.text
    _queue(backend, items=[])  # another operator decided first: no row, said above
    page = client.post("/m/sign-ups/org-new/verify", data={"csrf": CSRF})
    assert page.status_code == 409 and "该机构不在待审核状态" in page.text


def test_a_forged_form_is_refused(portal: Any) -> None:
    client, backend = _operator(portal)
    _queue(backend)
    page = client.post("/m/sign-ups/org-new/verify", data={"csrf": "forged"})
    assert page.status_code == 403
    assert backend.posted("/organisations/org-new/verify") == []


def test_a_non_operator_reads_identitys_refusal(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    backend.on("identity", "GET", "/organisations",
               problem(403, ("", "仅运营方与区政府可浏览")))  # fmt: skip
    page = client.get("/m/sign-ups")
    assert page.status_code == 403 and "仅运营方与区政府可浏览" in page.text
    assert 'href="/m/sign-ups"' not in client.get("/m/sign-ups").text.split("<main")[0]


def test_the_operators_workbench_counts_the_waiting_sign_ups(portal: Any) -> None:
    client, backend = _operator(portal)
    backend.on("identity", "GET", "/organisations",
               (200, {"items": [ORG], "total": 3, "limit": 1, "offset": 0}))  # fmt: skip
    page = client.get("/").text
    assert re.search(r'待审核机构 <span class="count">3</span>', page)
    client.cookies.set("dj_lang", "en")
    assert re.search(r'Organisations to verify <span class="count">3</span>', client.get("/").text)
    _, _, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    client.cookies.set("dj_lang", "zh")
    assert "待审核机构" not in client.get("/").text


def test_every_text_of_the_queue_reads_in_english(portal: Any) -> None:
    texts = set(LITERAL.findall((TEMPLATES / "verification" / "queue.html").read_text()))
    codes = {t for t in texts if t.endswith(":")}
    assert sorted(t for t in texts - codes if t not in catalogue("en")) == []
    client, backend = _operator(portal)
    _queue(backend)
    client.cookies.set("dj_lang", "en")
    page = client.get("/m/sign-ups").text
    assert "Organisations to verify" in page and "Reason for rejecting" in page
    assert "Haidian" in page and "待审核机构" not in page
