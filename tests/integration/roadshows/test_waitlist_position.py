"""An investor's own booking shows its place on the FIFO waitlist: 3 seats and 5
investors give the last two places 1 and 2 (seat holders: none); a cancelled seat moves
the head in and the other waiter up to 1. Real FerretDB and Kafka."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.roadshows.conftest import RS
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_waiters_see_their_place_and_move_up(rs: RS) -> None:
    roadshow = await rs.roadshow(72, investor_seats=3)
    path = f"/roadshows/{roadshow['id']}/seats"
    investors = [make_caller(OrgType.investor) for _ in range(5)]
    for investor in investors:  # one after another: the waitlist's order is the joining order
        await rs.ok(investor, "POST", path)

    mine = [await rs.ok(i, "GET", f"{path}/mine") for i in investors]
    assert [m["state"] for m in mine] == ["held"] * 3 + ["waitlisted"] * 2
    assert [m["position"] for m in mine] == [None, None, None, 1, 2]

    await rs.ok(investors[0], "POST", f"{path}/cancel")
    promoted = await rs.ok(investors[3], "GET", f"{path}/mine")
    assert (promoted["state"], promoted["position"]) == ("held", None)
    last = await rs.ok(investors[4], "GET", f"{path}/mine")
    assert (last["state"], last["position"]) == ("waitlisted", 1)
