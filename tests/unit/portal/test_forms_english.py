"""The new forms read in English from the one catalogue: every literal text of their
templates has an ``en.po`` entry, and a page rendered for an English reader uses it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from services.portal.i18n import catalogue

TEMPLATES = Path(__file__).resolve().parents[3] / "services" / "portal" / "templates"
FORMS = (
    "form_macros.html", "scenarios/post.html", "scenarios/batch.html", "scenarios/panel.html",
    "scenarios/sheet.html", "scenarios/selection.html", "scenarios/results.html",
    "catalogue/edition_new.html", "catalogue/entries.html", "roadshows/request.html",
    "account.html", "list_macros.html",
)  # fmt: skip
LITERAL = re.compile(r'_\("((?:[^"\\]|\\.)+)"')


@pytest.mark.parametrize("template", FORMS)
def test_every_text_of_the_form_has_an_english_entry(template: str) -> None:
    texts = set(LITERAL.findall((TEMPLATES / template).read_text()))
    codes = {t for t in texts if t.endswith(":")}  # prefixes of codes (``field:`` ~ name)
    missing = sorted(t for t in texts - codes if t not in catalogue("en"))
    assert missing == []


def test_the_scenario_form_reads_in_english(portal: Any) -> None:
    client, _, _ = portal
    client.cookies.set("dj_lang", "en")
    page = client.get("/m/scenarios/new").text
    assert "Post a scenario" in page and "Criterion 1 weight (%)" in page
    assert "Build period" in page and "发布应用场景" not in page


def test_the_account_page_shows_the_ids_a_publisher_names_an_expert_by(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("identity", "GET", "/me", (200, {
        "user": {"name": "专家甲", "email": "a@example.cn"},
        "organisation": {"profile": {"name": "北京示范大学"}}}))  # fmt: skip
    page = client.get("/account").text
    assert "专家甲" in page and "北京示范大学" in page
    assert "<code>user-me</code>" in page and "<code>org-me</code>" in page
