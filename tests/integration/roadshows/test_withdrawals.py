"""Withdrawing a pitch withdraws its open applications, and a selected one frees its
pitch slot for the next presenter; a cancelled roadshow takes no bookings."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.roadshows.conftest import RS, of_type, wait_for_events
from tests.support.auth import make_caller
from tests.support.problems import code_of

pytestmark = pytest.mark.integration


async def test_a_withdrawn_pitch_frees_its_slot(rs: RS) -> None:
    rid = (await rs.roadshow(48, pitch_slots=1))["id"]
    first, second = make_caller(OrgType.enterprise), make_caller(OrgType.enterprise)
    p1, p2 = await rs.pitch(first), await rs.pitch(second)
    a1 = await rs.ok(first, "POST", f"/roadshows/{rid}/applications", {"pitch_id": p1["id"]})
    a2 = await rs.ok(second, "POST", f"/roadshows/{rid}/applications", {"pitch_id": p2["id"]})
    await rs.ok(rs.operator, "POST", f"/applications/{a1['id']}/select")
    full = await rs.call(rs.operator, "POST", f"/applications/{a2['id']}/select")
    assert code_of(full.json()) == "slots_full"
    withdrawn = await rs.ok(first, "POST", f"/pitches/{p1['id']}/withdraw")
    assert withdrawn["state"] == "withdrawn"
    mine = await rs.ok(first, "GET", f"/roadshows/{rid}/applications/mine")
    assert [a["state"] for a in mine["items"]] == ["withdrawn"]
    await rs.ok(rs.operator, "POST", f"/applications/{a2['id']}/select")  # the slot is free
    events = await wait_for_events(rs, ["roadshows.application"], lambda ev: bool(
        of_type(ev, "roadshows.application.withdrawn", a1["id"])))  # fmt: skip
    assert len(of_type(events, "roadshows.application.withdrawn", a1["id"])) == 1


async def test_a_cancelled_roadshow_takes_no_bookings_or_applications(rs: RS) -> None:
    rid = (await rs.roadshow(48))["id"]
    await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/cancel", {"reason": "场地调整"})
    booked = await rs.call(make_caller(OrgType.investor), "POST", f"/roadshows/{rid}/seats")
    assert booked.status_code == 409 and code_of(booked.json()) == "roadshow_cancelled"
    ent = make_caller(OrgType.enterprise)
    pitch = await rs.pitch(ent)
    applied = await rs.call(
        ent, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]}
    )
    assert applied.status_code == 409
    again = await rs.call(rs.operator, "POST", f"/roadshows/{rid}/cancel", {"reason": ""})
    assert again.status_code == 409
