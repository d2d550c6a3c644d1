"""Journeys through the portal in Chromium: each role signs in, does its main job, and
the counterpart's suggestion arrives in the other user's inbox; every page passes axe."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included


def test_sign_in_page_is_chinese_first_and_accessible(portal: Portal, page: Any) -> None:
    page.goto(f"{portal.url}/login")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", name="登录").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_a_wrong_password_is_explained(portal: Portal, page: Any) -> None:
    page.goto(f"{portal.url}/login")
    page.get_by_label("邮箱").fill("nobody@demo.duijie.local")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().strip() == "邮箱或密码不正确。"


def test_a_form_error_names_the_field_then_the_need_is_published(portal: Portal, page: Any) -> None:
    portal.login(page, "enterprise")
    page.goto(f"{portal.url}/needs/new")
    page.get_by_label("标题").fill("面向储能电站的热失控预警技术需求")
    page.get_by_label("详细描述").fill("需要电池热失控早期预警与消防联动方案，可在储能电站部署。")
    page.get_by_label("新能源与节能环保").check()
    page.get_by_label("许可").check()
    page.get_by_label("关键词（用逗号分隔）").fill("储能，热失控，预警")
    page.get_by_label("最低技术成熟度（TRL 1-9）").fill("12")
    page.get_by_role("button", name="提交").click()
    assert page.locator("#min_trl-error").is_visible()  # 422 from techtransfer, in Chinese
    assert serious_violations(page) == []
    page.get_by_label("最低技术成熟度（TRL 1-9）").fill("6")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{portal.url}/needs/*")
    assert page.get_by_role("heading", name="面向储能电站的热失控预警技术需求").is_visible()


def test_the_university_publishes_and_the_enterprise_is_told(portal: Portal, browser: Any) -> None:
    enterprise = browser.new_context(locale="zh-CN").new_page()
    portal.login(enterprise, "enterprise")
    enterprise.goto(f"{portal.url}/needs/new")
    enterprise.get_by_label("标题").fill("大模型知识库智能问答系统技术需求")
    enterprise.get_by_label("详细描述").fill(
        "需建设面向规章制度与设备手册的智能问答助手，要求私有化部署。"
    )
    enterprise.get_by_label("人工智能").check()
    enterprise.get_by_label("许可").check()
    enterprise.get_by_label("关键词（用逗号分隔）").fill("大模型，知识库，智能问答，私有化部署")
    enterprise.get_by_label("最低技术成熟度（TRL 1-9）").fill("5")
    enterprise.get_by_role("button", name="提交").click()
    enterprise.wait_for_url(f"{portal.url}/needs/*")

    university = browser.new_context(locale="zh-CN").new_page()
    portal.login(university, "university")
    university.goto(f"{portal.url}/offers/new")
    university.get_by_label("标题").fill("企业级大模型知识库问答与私有化部署框架")
    university.get_by_label("详细描述").fill(
        "基于检索增强生成的知识库智能问答系统，支持私有化部署与权限控制。"
    )
    university.get_by_label("人工智能").check()
    university.get_by_label("许可").check()
    university.get_by_label("关键词（用逗号分隔）").fill("大模型，知识库，智能问答，私有化部署")
    university.get_by_label("技术成熟度（TRL 1-9）").fill("7")
    university.get_by_role("button", name="提交").click()
    university.wait_for_url(f"{portal.url}/offers/*")

    deadline = time.monotonic() + 60
    while True:  # the suggestion travels techtransfer -> matching -> notifications
        enterprise.goto(f"{portal.url}/inbox")
        if enterprise.get_by_text("新的匹配推荐").count():
            break
        assert time.monotonic() < deadline, "no suggestion in the enterprise's inbox"
        enterprise.wait_for_timeout(1000)  # a polling interval of a deadline-bounded wait
    assert serious_violations(enterprise) == []
    enterprise.goto(f"{portal.url}/")
    assert enterprise.get_by_role("heading", name="新推荐").is_visible()
    assert serious_violations(enterprise) == []


@pytest.mark.parametrize("key", ["enterprise", "university", "soe", "government", "investor",
                                 "headhunter", "operator"])  # fmt: skip
def test_each_role_lands_on_its_workbench_in_both_languages_and_sizes(
    portal: Portal, browser: Any, key: str
) -> None:
    for lang, width in (("zh", 1280), ("zh", 390), ("en", 1280), ("en", 390)):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        portal.login(page, key)
        if lang == "en":
            page.goto(f"{portal.url}/lang/en?back=/")
        heading = "工作台" if lang == "zh" else "Workbench"
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
        assert serious_violations(page) == []
        shoot(page, f"workbench-{key}-{lang}-{width}")
        context.close()
