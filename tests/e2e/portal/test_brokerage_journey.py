"""A brokerage session (对接洽谈会) in Chromium: the university and the enterprise are
registered with a record each, the university's 1:1 request is accepted and the operator
runs techtransfer's scheduler (``POST /sessions/{id}/schedule``, as its integration
tests do); then each party opens the session's page, sees its agenda (time in Beijing,
table, counterpart) and downloads the ``.ics``, which parses with ``icalendar`` into the
same meeting. Every page passes axe (0 serious/critical).

Registration, the request and the scheduling are set up through techtransfer's API (the
portal shows sessions and agendas; it has no registration form).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from shared.demo import demo_id
from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.setup_api import api, unique
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
SHANGHAI = ZoneInfo("Asia/Shanghai")
NAMES = {"university": "示范大学技术转移中心", "enterprise": "示范智造科技有限公司"}


def _scheduled_session(portal: Portal, title: str) -> tuple[str, dt.date]:
    """A session ten days ahead, both parties registered, one accepted request placed."""
    day = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=10)).date()
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    session = api(portal, "operator", "techtransfer", "POST", "/sessions", {
        "title": title, "domain": "ai", "day": day.isoformat(), "start_time": "09:00:00",
        "slot_minutes": 20, "slot_count": 2, "tables_per_slot": 2,
        "venue": "中关村国家自主创新示范区展示中心",
        "registration_deadline": deadline.isoformat(),
    })  # fmt: skip
    sid = session["id"]
    offer_body = {**OFFER_FIELDS, "title": unique(OFFER_FIELDS["title"]), "publish": True}
    offer = api(portal, "university", "techtransfer", "POST", "/offers", offer_body)
    need = api(portal, "enterprise", "techtransfer", "POST", "/needs",
               {**NEED_FIELDS, "title": unique(NEED_FIELDS["title"]), "domains": ["ai"],
                "publish": True})  # fmt: skip
    for key, record in (("university", offer), ("enterprise", need)):
        api(portal, key, "techtransfer", "POST", f"/sessions/{sid}/registrations",
            {"record_ids": [record["id"]], "display_name": NAMES[key]})  # fmt: skip
    meeting = api(portal, "university", "techtransfer", "POST", f"/sessions/{sid}/meetings",
                  {"invitee": demo_id("enterprise")})  # fmt: skip
    api(portal, "enterprise", "techtransfer", "POST", f"/meetings/{meeting['id']}/accept")
    placed = api(portal, "operator", "techtransfer", "POST", f"/sessions/{sid}/schedule")
    assert meeting["id"] in placed["placed"], placed
    return sid, day


def _check_agenda(
    portal: Portal, page: Any, sid: str, title: str, day: dt.date, other: str
) -> None:
    page.goto(f"{portal.url}/sessions")
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"{portal.url}/sessions/{sid}")
    assert page.get_by_role("heading", name=title).is_visible()
    row = page.get_by_role("row").filter(has_text=NAMES[other])
    assert row.count() == 1, page.locator("main").inner_text()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="下载日历文件（.ics）").click()
    assert download.value.suggested_filename == f"agenda-{sid}.ics"
    with open(download.value.path(), "rb") as f:
        calendar = Calendar.from_ical(f.read())
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart").astimezone(SHANGHAI)
    assert start.date() == day and start.strftime("%H:%M") in ("09:00", "09:20")
    assert NAMES[other] in str(event.get("summary"))
    assert start.strftime("%H:%M") in row.inner_text()  # the page shows the same slot


def test_both_parties_see_their_agenda_and_download_it(portal: Portal, browser: Any) -> None:
    title = unique("人工智能领域科技成果对接洽谈会")
    sid, day = _scheduled_session(portal, title)
    for key, other, width in (
        ("university", "enterprise", 1280),
        ("enterprise", "university", 390),
    ):
        context = browser.new_context(locale="zh-CN", accept_downloads=True,
                                      viewport={"width": width, "height": 900})  # fmt: skip
        page = context.new_page()
        portal.login(page, key)
        _check_agenda(portal, page, sid, title, day, other)
        shoot(page, f"session-agenda-{key}-zh-{width}")
        context.close()
