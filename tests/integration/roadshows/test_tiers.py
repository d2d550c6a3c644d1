"""Tiers come from identity's events: a pitch published before its enterprise joined a
tier list is re-flagged (with a ``roadshows.pitch.updated``), a removal clears the flag,
and a late replay of the older entry changes nothing."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.roadshows.conftest import (
    RS,
    eventually,
    of_type,
    publish,
    tier_changed,
    wait_for_events,
)
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_tier_changes_reflag_pitches_and_replays_change_nothing(rs: RS) -> None:
    ent = make_caller(OrgType.enterprise)
    org = ent.organisation_id
    pitch = await rs.pitch(ent)
    assert pitch["priority_tier"] is None

    async def flag() -> str | None:
        return (await rs.ok(ent, "GET", f"/pitches/{pitch['id']}"))["priority_tier"]

    await publish(rs, tier_changed(org, "scale_to_strong", sequence=1), org, "identity")
    assert await eventually(flag) == "scale_to_strong"
    await publish(rs, tier_changed(org, "scale_to_strong", 2, action="removed"), org, "identity")
    await eventually(lambda: _sequence(rs, org, 2))
    await publish(rs, tier_changed(org, "scale_to_strong", sequence=1), org, "identity")  # replay
    marker = make_caller(OrgType.enterprise)
    await publish(rs, tier_changed(marker.organisation_id, "small_to_scale"),
                  marker.organisation_id, "identity")  # fmt: skip
    await eventually(lambda: rs.deps.repos.tiers.get(marker.organisation_id))  # replay handled
    assert await flag() is None
    events = await wait_for_events(
        rs, ["roadshows.pitch"],
        lambda ev: len(of_type(ev, "roadshows.pitch.updated", pitch["id"])) >= 2,
    )  # fmt: skip
    flags = [e["data"]["priority_tier"] for e in of_type(events, "roadshows.pitch.updated",
                                                          pitch["id"])]  # fmt: skip
    assert flags == ["scale_to_strong", None]


async def _sequence(rs: RS, org: str, seq: int) -> bool:
    found = await rs.deps.repos.tiers.get(org)
    return found is not None and found.state.sequence == seq
