"""A launch-event registrant's own read shows its place on the FIFO waitlist: 3 seats and
5 registrants give the last two places 1 and 2 (seat holders: none); a cancelled seat
moves the head in and the other waiter up to 1. Real FerretDB and Kafka."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.catalogue.conftest import CL, launch_body
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_waiters_see_their_place_and_move_up(cl: CL) -> None:
    pid = await cl.listed(make_caller(OrgType.enterprise))
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=3))
    path = f"/launches/{event['id']}/registrations"
    guests = [make_caller(t) for t in (OrgType.soe, OrgType.government, OrgType.enterprise,
                                       OrgType.investor, OrgType.soe)]  # fmt: skip
    for guest in guests:  # one after another: the waitlist's order is the joining order
        await cl.ok(guest, "POST", path)

    mine = [await cl.ok(g, "GET", f"{path}/mine") for g in guests]
    assert [m["state"] for m in mine] == ["registered"] * 3 + ["waitlisted"] * 2
    assert [m["position"] for m in mine] == [None, None, None, 1, 2]

    await cl.ok(guests[1], "DELETE", f"{path}/mine")
    promoted = await cl.ok(guests[3], "GET", f"{path}/mine")
    assert (promoted["state"], promoted["position"]) == ("registered", None)
    last = await cl.ok(guests[4], "GET", f"{path}/mine")
    assert (last["state"], last["position"]) == ("waitlisted", 1)
    gone = await cl.ok(guests[1], "GET", f"{path}/mine")
    assert (gone["state"], gone["position"]) == ("cancelled", None)
