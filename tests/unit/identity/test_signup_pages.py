"""The portal's sign-up and confirm pages against a canned identity: what they send
(the profile of the chosen type only, the visitor's address), where identity's refusals
land, and that the mailed link confirms only on the button (a mail scanner's GET spends
nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit
CSRF = "csrf-for-sign-up-tests"


class CannedIdentity:
    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, Any]] = {}
        self.sent: list[tuple[str, Any, dict[str, str]]] = []

    async def call(self, service: str, method: str, path: str, **kw: Any) -> httpx.Response:
        assert (service, method) == ("identity", "POST") and kw.get("token") is None
        self.sent.append((path, kw.get("json"), kw.get("headers") or {}))
        status, body = self.answers.get(path, (404, {"errors": []}))
        return httpx.Response(status, json=body)


@pytest.fixture
def portal() -> Iterator[tuple[TestClient, CannedIdentity]]:
    from services.portal.main import create_app

    app = create_app()
    with TestClient(app, follow_redirects=False) as client:
        identity = CannedIdentity()
        app.state.backend = identity
        client.cookies.set("dj_csrf", CSRF)
        yield client, identity


FORM = {
    "csrf": CSRF, "type": "enterprise", "name": "北京自助注册科技有限公司",
    "credit_code": "91110108551385082Q", "district": "haidian", "founding_date": "2024-06-01",
    "kind": "university", "fund_type": "", "licence_number": "", "admin_name": "李娜",
    "email": "li.na@example.cn", "password": "Sign-Up-Pass-1",
}  # fmt: skip


def test_the_sign_in_page_links_to_sign_up(portal) -> None:
    client, _ = portal
    assert 'href="/sign-up"' in client.get("/login").text
    page = client.get("/sign-up")
    assert page.status_code == 200 and "统一社会信用代码" in page.text


def test_sign_up_sends_the_types_own_fields_and_the_visitors_address(portal) -> None:
    client, identity = portal
    identity.answers["/sign-up"] = (201, {"email_sent": True})
    page = client.post("/sign-up", data=FORM)
    assert page.status_code == 201 and "li.na@example.cn" in page.text
    path, body, headers = identity.sent[0]
    assert path == "/sign-up" and headers.get("X-Forwarded-For")
    assert body["organisation"] == {
        "type": "enterprise",
        "name": FORM["name"],
        "credit_code": FORM["credit_code"],
        "district": "haidian",
        "founding_date": "2024-06-01",
    }  # a university's "kind" is not sent for an enterprise
    assert body["admin"] == {"name": "李娜", "email": FORM["email"], "password": FORM["password"]}


def test_identitys_refusals_are_shown_on_the_form(portal) -> None:
    client, identity = portal
    message = "该统一社会信用代码已注册"
    identity.answers["/sign-up"] = (
        409, {"errors": [{"field": "organisation.credit_code", "code": "x", "message": message}]},
    )  # fmt: skip
    page = client.post("/sign-up", data=FORM)
    assert page.status_code == 409 and message in page.text and FORM["name"] in page.text
    assert FORM["password"] not in page.text
    assert client.post("/sign-up", data={**FORM, "csrf": "forged"}).status_code == 403


def test_the_link_confirms_only_on_the_button(portal) -> None:
    client, identity = portal
    token = "5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f." + "s" * 43
    page = client.get("/sign-up/confirm", params={"token": token})
    assert page.status_code == 200 and token in page.text and identity.sent == []
    identity.answers["/sign-up/confirm"] = (200, {"standing": "pending_verification"})
    done = client.post("/sign-up/confirm", data={"csrf": CSRF, "token": token})
    assert done.status_code == 200 and "邮箱已验证" in done.text
    assert identity.sent[0][:2] == ("/sign-up/confirm", {"token": token})
    identity.answers["/sign-up/confirm"] = (
        409, {"errors": [{"field": "token", "code": "token_used", "message": "该确认链接已使用"}]},
    )  # fmt: skip
    used = client.post("/sign-up/confirm", data={"csrf": CSRF, "token": token})
    assert used.status_code == 409 and "该确认链接已使用" in used.text


@pytest.mark.parametrize("template", ["signup.html", "signup_done.html", "signup_confirm.html"])
def test_every_text_of_the_pages_reads_in_english(template: str) -> None:
    import re
    from pathlib import Path

    from services.portal.i18n import catalogue
    from services.portal.pages.signup import CHOICES

    source = (Path(__file__).parents[3] / "services/portal/templates" / template).read_text()
    texts = set(re.findall(r'_\("((?:[^"\\]|\\.)+)"', source))
    texts |= {label for choice in CHOICES.values() for label in choice.values()}
    codes = {t for t in texts if t.endswith(":")}  # prefixes of codes (``field:`` ~ name)
    assert sorted(t for t in texts - codes if t not in catalogue("en")) == []
