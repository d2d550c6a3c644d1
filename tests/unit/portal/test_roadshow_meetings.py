"""A roadshow's meetings page: each meeting's follow-up step read from roadshows, asked
only for meetings that can have one (a report needs a scheduled slot)."""

from __future__ import annotations

from typing import Any

from shared.auth import OrgType
from tests.unit.portal.conftest import as_org


def test_meetings_read_the_followup_of_placed_meetings_only(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    backend.on("roadshows", "GET", "/roadshows/rs-1",
               (200, {"id": "rs-1", "content": {"title": "AI 专场", "domain": "ai"}}))  # fmt: skip
    states = ("requested", "declined", "accepted", "scheduled")
    meetings = [{"id": f"m-{s}", "state": s, "slot": None} for s in states]
    backend.on("roadshows", "GET", "/roadshows/rs-1/meetings", (200, {"items": meetings}))
    backend.on("roadshows", "GET", "/meetings/m-scheduled/followup",
               (200, {"stage": "met", "pending": {"stage": "due_diligence"}}))  # fmt: skip
    page = client.get("/m/roadshows/rs-1/meetings")
    assert page.status_code == 200
    assert "/m/roadshows/rs-1/meetings/m-scheduled/confirm" in page.text  # its pending step
    asked = sorted(p for _, method, p, _ in backend.sent if p.endswith("/followup"))
    assert asked == ["/meetings/m-accepted/followup", "/meetings/m-scheduled/followup"]
