"""Self-sign-up to verification in Chromium (issue 17): one organisation signs up through the
portal's form at 390 px, another through identity's API, and their admins confirm the
mailed link on the portal's confirm page; the operator sees 待审核机构 N on the workbench,
opens the queue from the navigation, finds each declaration with its admin's contact, has
a one-character reason refused beside the reason, rejects one with a reason and verifies
the other; the verified organisation's admin then reads 机构审核通过 in the inbox
(notifications on the real engines), and the rejected one's admin reads the reason. axe
finds nothing serious or critical on each page; the queue with its rows fits 390 px and
works by keyboard.
"""

from __future__ import annotations

import random
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from services.identity.domain.credit_code import ALPHABET, check_character
from tests.e2e.conftest import eventually
from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.test_keyboard_390 import _problems_of
from tests.support.mail import mails

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
PASSWORD = "Sign-Up-E2e-Pass-1"


def _credit_code() -> str:
    first17 = "91110108" + "".join(random.choices(ALPHABET, k=9))
    return first17 + check_character(first17)


def _sign_up(portal: Portal, name: str) -> str:
    """A self-sign-up through identity's API (each from its own client address, for the
    per-address throttle); returns the admin's e-mail."""
    address = f"signup-{uuid.uuid4().hex[:10]}@test.duijie.local"
    body = {
        "organisation": {"type": "enterprise", "name": name, "credit_code": _credit_code(),
                         "district": "haidian", "founding_date": "2024-06-01",
                         "domains": ["ai"]},
        "admin": {"name": "李娜", "email": address, "password": PASSWORD},
    }  # fmt: skip
    forwarded = "10." + ".".join(str(random.randrange(256)) for _ in range(3))
    answer = httpx.post(f"{portal.services['identity']}/sign-up", json=body, timeout=60,
                        headers={"X-Forwarded-For": forwarded})  # fmt: skip
    assert answer.status_code == 201, answer.text
    return address


def _link_token(mail: Path, address: str) -> str:
    def found() -> str | None:
        for message in mails(mail, to=address):
            link = re.search(r"token=(\S+)", message.get_content())
            if link:
                return unquote(link.group(1))
        return None

    return eventually(found, timeout=60, what=f"the sign-up mail to {address}")


def _sign_up_in_the_browser(browser: Any, portal: Portal, name: str) -> str:
    """A self-sign-up through the portal's own form at 390 px; returns the admin's e-mail."""
    address = f"signup-{uuid.uuid4().hex[:10]}@test.duijie.local"
    page = _new_page(browser, width=390)
    page.goto(f"{portal.url}/login")
    page.get_by_role("link", name="注册机构").click()
    page.get_by_label("机构类型").select_option("enterprise")
    page.get_by_label("机构名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(_credit_code())
    page.get_by_label("所在区（企业）").select_option("haidian")
    page.get_by_label("成立日期（企业）").fill("2024-06-01")
    page.get_by_label("姓名", exact=True).fill("李娜")
    page.get_by_label("邮箱", exact=True).fill(address)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()
    page.get_by_role("status").filter(has_text=address).wait_for()
    assert serious_violations(page) == []
    page.context.close()
    return address


def _new_page(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()


def _confirm(browser: Any, portal: Portal, token: str) -> None:
    page = _new_page(browser)
    page.goto(f"{portal.url}/sign-up/confirm?token={token}")
    page.get_by_role("button", name="确认验证邮箱").click()
    page.get_by_text("邮箱已验证").wait_for()
    page.context.close()


def _sign_in(page: Any, portal: Portal, address: str) -> None:
    page.goto(f"{portal.url}/login")
    page.get_by_label("邮箱").fill(address)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{portal.url}/")


def _inbox_shows(page: Any, portal: Portal, text: str) -> None:
    def shown() -> bool:
        page.goto(f"{portal.url}/inbox")
        return text in page.inner_text("main")

    eventually(shown, timeout=120, what=f"{text!r} in the inbox", interval=1.0)


def _waiting(page: Any) -> int:
    card = page.locator("section", has=page.get_by_role("heading", name=re.compile("待审核机构")))
    return int(card.locator(".count").inner_text())


def test_the_operator_verifies_one_sign_up_and_rejects_another(
    portal: Portal, browser: Any
) -> None:
    assert portal.mail is not None
    suffix = uuid.uuid4().hex[:4].upper()
    kept, refused = f"北京自助注册科技有限公司{suffix}", f"北京待驳回科技有限公司{suffix}"
    kept_admin, refused_admin = (
        _sign_up_in_the_browser(browser, portal, kept),
        _sign_up(portal, refused),
    )
    for address in (kept_admin, refused_admin):
        _confirm(browser, portal, _link_token(portal.mail, address))

    operator = _new_page(browser)
    portal.login(operator, "operator")
    before = _waiting(operator)
    assert before >= 2
    assert serious_violations(operator) == []
    operator.get_by_role("navigation", name="主导航").get_by_role("link", name="待审核机构").click()
    operator.wait_for_url(f"{portal.url}/m/sign-ups")
    row = operator.locator("article", has=operator.get_by_role("heading", name=refused))
    for shown in (refused, "海淀区", "李娜", refused_admin, "2024-06-01"):
        assert shown in row.inner_text(), shown
    assert serious_violations(operator) == []

    # the queue with its rows at 390 px: nothing wider, and the keyboard reaches its
    # links, buttons and reasons with a visible focus ring (the navigation's own check)
    narrow = _new_page(browser, width=390)
    portal.login(narrow, "operator")
    narrow.goto(f"{portal.url}/m/sign-ups")
    assert _problems_of(narrow, "/m/sign-ups") == []
    narrow.context.close()

    # a one-character reason: identity's refusal beside the reason, what was typed kept
    row.get_by_label(re.compile("驳回理由")).fill("x")
    row.get_by_role("button", name=re.compile("^驳回")).click()
    row = operator.locator("article", has=operator.get_by_role("heading", name=refused))
    reason = row.get_by_label(re.compile("驳回理由"))
    assert reason.get_attribute("aria-invalid") == "true" and reason.input_value() == "x"
    beside = row.locator(f"#{reason.get_attribute('aria-describedby')}")
    assert beside.inner_text().strip()
    shoot(operator, "verification-queue-refused-reason")
    assert serious_violations(operator) == []

    why = "统一社会信用代码与企业名称不符"
    reason.fill(why)
    row.get_by_role("button", name=re.compile("^驳回")).click()
    operator.get_by_role("status").filter(has_text="已驳回").wait_for()
    row = operator.locator("article", has=operator.get_by_role("heading", name=kept))
    row.get_by_role("button", name=re.compile("^审核通过")).click()
    operator.get_by_role("status").filter(has_text="已审核通过").wait_for()
    assert kept not in operator.inner_text("main") and refused not in operator.inner_text("main")
    operator.goto(f"{portal.url}/")
    assert _waiting(operator) == before - 2

    operator.context.close()

    admin = _new_page(browser, width=390)
    _sign_in(admin, portal, kept_admin)
    _inbox_shows(admin, portal, "机构审核通过")
    assert serious_violations(admin) == []
    admin.context.close()
    other = _new_page(browser)
    _sign_in(other, portal, refused_admin)
    _inbox_shows(other, portal, why)
    shoot(other, "verification-rejected-inbox")
    other.context.close()
