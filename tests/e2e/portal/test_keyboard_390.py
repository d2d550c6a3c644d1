"""Every role's workbench and each market list page in its navigation, at 390 px wide
and by keyboard alone, in Chromium:

- nothing is wider than the screen (``document.scrollingElement.scrollWidth`` within
  390 px and a 2 px tolerance), and the elements that stick out are named if it fails;
- Tab first reaches the skip link, which shows itself; Enter on it moves into the main
  content, and further Tabs reach its links, buttons and inputs, each with a visible
  focus indicator (an outline, or a box shadow) and on screen.

The pages are the navigation's own entries (``services.portal.pages.render.NAV``), so a
page added to a role's navigation is checked without touching this file. Findings of
all pages are gathered first, so one run names every failing page.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.portal.pages.render import NAV
from shared.auth import OrgType
from tests.e2e.conftest import eventually
from tests.e2e.portal.conftest import Portal, shoot
from tests.e2e.portal.setup_api import api, unique
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
WIDTH, SLACK = 390, 2
MAIN_STOPS = 12  # focus stops checked inside <main> per page (the first actions)

OVERFLOW = """() => {
  const limit = window.innerWidth + 1;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit && e.getClientRects().length)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`);
  return {width: document.scrollingElement.scrollWidth, wide};
}"""
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {
    in_main: !!e.closest('main') && e.tagName !== 'MAIN',
    what: e.tagName.toLowerCase() + ' ' + (e.innerText || e.value || e.name || '').slice(0, 24)
          + ' ' + e.outerHTML.slice(0, 80),
    interactive: e.matches('a[href], button, input, select, textarea, summary, [tabindex]'),
    indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
               || s.boxShadow !== 'none',
    on_screen: r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1,
  };
}"""
HAS_ACTIONS = """() => !!document.querySelector(
  'main a[href], main button, main input:not([type=hidden]), main select, main textarea')"""


def _problems_of(page: Any, path: str) -> list[str]:
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow["width"] > WIDTH + SLACK:
        found.append(f"{path}: {overflow['width']} px wide, sticking out: {overflow['wide']}")
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    if not (skip["what"].startswith("a 跳到正文") and skip["indicator"] and skip["on_screen"]):
        found.append(f"{path}: the first Tab is not a visible skip link: {skip}")
    page.keyboard.press("Enter")  # the skip link: focus moves to <main>
    stops = []
    for _ in range(MAIN_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["in_main"]:
            break
        stops.append(focused)
    if page.evaluate(HAS_ACTIONS) and not stops:
        found.append(f"{path}: Tab after the skip link does not reach the main content")
    for stop in stops:
        if not (stop["interactive"] and stop["indicator"] and stop["on_screen"]):
            found.append(f"{path}: focus on {stop['what']!r} is not visible: {stop}")
    return found


@pytest.fixture(scope="module")
def listed(portal: Portal) -> None:
    """A published offer and need, found by matching's search, so the tech-transfer lists
    are checked with rows in them (run after the journeys, the market lists have theirs)."""
    api(portal, "university", "techtransfer", "POST", "/offers",
        {**OFFER_FIELDS, "title": unique(OFFER_FIELDS["title"]), "publish": True})  # fmt: skip
    api(portal, "enterprise", "techtransfer", "POST", "/needs",
        {**NEED_FIELDS, "title": unique(NEED_FIELDS["title"]), "publish": True})  # fmt: skip
    for kind in ("tech_offer", "tech_need"):  # matching indexes them from techtransfer's events
        path = f"/search/{kind}"
        eventually(lambda p=path: api(portal, "operator", "matching", "GET", p)["total"],
                   timeout=120, what=f"{path} in matching", interval=1.0)  # fmt: skip


@pytest.mark.parametrize("key", [t.value for t in NAV])
def test_each_page_of_a_role_fits_390_px_and_works_by_keyboard(
    portal: Portal, browser: Any, listed: None, key: str
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 844})
    page = context.new_page()
    portal.login(page, key)
    problems: list[str] = []
    for _, path in NAV[OrgType(key)]:
        response = page.goto(f"{portal.url}{path}")
        assert response is not None and response.status == 200, path
        found = _problems_of(page, path)
        if found:
            shoot(page, f"keyboard-390-{key}-{path.strip('/').replace('/', '-') or 'home'}")
        problems += found
    context.close()
    assert problems == [], "\n".join(problems)
