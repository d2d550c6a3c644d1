"""Bad input gets a 4xx naming the field or the rule, never a 500, and leaves nothing
partial behind (no application, need, launch or seat)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.auth import OrgType
from tests.integration.catalogue.conftest import CL, launch_body, need_body, product_body
from tests.support.auth import make_caller
from tests.support.problems import fields_of

pytestmark = pytest.mark.integration
PAST = "2020-01-01T00:00:00+00:00"


def problem(response) -> tuple[int, set[str]]:
    return response.status_code, set(fields_of(response.json()))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "产" * 201}, "title"),
        ({"title": "带\x07控制符"}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"domains": []}, "domains"),
        ({"domains": ["mars_mining"]}, "domains.0"),
        ({"domains": ["ai"] * 6}, "domains"),
        ({"keywords": [f"k{i}" for i in range(31)]}, "keywords"),
        ({"parameters": [{"name": "p", "value": "v"}] * 31}, "parameters"),
        ({"certifications": ["c"] * 21}, "certifications"),
        ({"price_band": [900000, 100000]}, "price_band"),
        ({"price_band": [-1, 100]}, "price_band.0"),
        ({"price_band": ["1", 100]}, "price_band.0"),
        ({"category": "gadget"}, "category"),
        ({"demonstration_evidence": ""}, "demonstration_evidence"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_bad_applications_name_the_field(cl: CL, overrides: dict, field: str) -> None:
    owner = make_caller(OrgType.enterprise)
    response = await cl.call(owner, "POST", "/applications", product_body(**overrides))
    status, fields = problem(response)
    assert status == 422 and field in fields, response.text
    assert (await cl.ok(owner, "GET", "/applications"))["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": PAST}, "deadline"),
        ({"deadline": "2031-01-01T00:00:00"}, "deadline"),
        ({"budget_cny": [2000000, 500000]}, "budget_cny"),
        ({"title": "x" * 201}, "title"),
        ({"theme": "t" * 501}, "theme"),
        ({"domains": ["Not A Code"]}, "domains.0"),
    ],
)
async def test_bad_needs_name_the_field(cl: CL, overrides: dict, field: str) -> None:
    soe = make_caller(OrgType.soe)
    response = await cl.call(soe, "POST", "/needs", need_body(**overrides))
    status, fields = problem(response)
    assert status in (400, 422) and field in fields, response.text
    assert (await cl.ok(soe, "GET", "/needs?mine=true"))["total"] == 0


async def test_review_docking_and_paging_rules(cl: CL) -> None:
    ent, soe = make_caller(OrgType.enterprise), make_caller(OrgType.soe)
    app = await cl.ok(ent, "POST", "/applications", product_body())
    await cl.ok(ent, "POST", f"/applications/{app['id']}/submit")
    path = f"/applications/{app['id']}/review"
    response = await cl.call(cl.operator, "POST", path, {"decision": "reject"})
    assert problem(response) == (422, {"reasons"})
    response = await cl.call(cl.operator, "POST", path, {"decision": "maybe"})
    assert problem(response) == (422, {"decision"})
    # Approving a draft (not submitted) is refused naming the state.
    draft = await cl.ok(ent, "POST", "/applications", product_body())
    response = await cl.call(cl.operator, "POST", f"/applications/{draft['id']}/review",
                             {"decision": "approve"})  # fmt: skip
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "state"
    # Adding an application that is not approved to an edition.
    await cl.ok(cl.operator, "POST", "/editions", {"code": "bad-input-1", "title": "t"})
    response = await cl.call(cl.operator, "POST", "/editions/bad-input-1/entries",
                             {"application_id": app["id"]})  # fmt: skip
    assert response.status_code == 409 and "application_id" in fields_of(response.json())
    response = await cl.call(cl.operator, "POST", "/editions", {"code": "bad input!", "title": "t"})
    assert problem(response) == (422, {"code"})

    pid = await cl.listed(ent, first_of_kind=False)
    need = await cl.ok(soe, "POST", "/needs", need_body())
    d = await cl.ok(soe, "POST", f"/needs/{need['id']}/dockings", {"product_id": pid})
    again = await cl.call(soe, "POST", f"/needs/{need['id']}/dockings", {"product_id": pid})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_docking"
    unlisted = await cl.call(soe, "POST", f"/needs/{need['id']}/dockings", {"product_id": "nope"})
    assert unlisted.status_code == 409 and "product_id" in fields_of(unlisted.json())
    response = await cl.call(ent, "POST", f"/dockings/{d['id']}/accept", {"meeting_at": PAST})
    assert problem(response) == (422, {"meeting_at"})
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    await cl.ok(ent, "POST", f"/dockings/{d['id']}/accept", {"meeting_at": future})
    for body in ({"purchased": True}, {"purchased": False}, {"purchased": "yes", "amount_cny": 1}):
        response = await cl.call(soe, "POST", f"/dockings/{d['id']}/outcome", body)
        assert response.status_code == 422, response.text
    assert (await cl.ok(soe, "GET", f"/dockings/{d['id']}"))["state"] == "accepted"

    for query in ("limit=0", "limit=101", "offset=-1", "offset=99999999999"):
        response = await cl.call(soe, "GET", f"/products?{query}")
        assert response.status_code == 422 and fields_of(response.json()), query
    headers = {"Authorization": f"Bearer {cl.mint.token(soe)}", "Content-Type": "application/json"}
    raw = await cl.client.post("/needs", content=b"{not json", headers=headers)
    assert raw.status_code == 422


async def test_bad_launches_leave_nothing(cl: CL) -> None:
    ent = make_caller(OrgType.enterprise)
    pid = await cl.listed(ent, first_of_kind=False)
    before = (await cl.ok(cl.operator, "GET", "/launches"))["total"]
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    cases = [
        (launch_body([pid], starts_at=PAST), "starts_at"),
        (launch_body([pid], ends_at=start.isoformat(), starts_at=start.isoformat()), "ends_at"),
        (launch_body([pid], capacity=0), "capacity"),
        (launch_body([pid], capacity="10"), "capacity"),
        (launch_body([pid], capacity=10_001), "capacity"),
        (launch_body(["prod-not-listed"]), "product_ids.0"),
        (launch_body([pid, pid]), "product_ids"),
        (launch_body([f"p{i}" for i in range(31)]), "product_ids"),
        (launch_body([pid], format="party"), "format"),
    ]
    for body, field in cases:
        response = await cl.call(cl.operator, "POST", "/launches", body)
        status, fields = problem(response)
        assert status == 422 and field in fields, (field, response.text)
    assert (await cl.ok(cl.operator, "GET", "/launches"))["total"] == before
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=1))
    path = f"/launches/{event['id']}/registrations"
    response = await cl.call(make_caller(OrgType.soe), "POST", path, {"waitlist": "no"})
    assert problem(response) == (422, {"waitlist"})
    seats = await cl.ok(cl.operator, "GET", f"/launches/{event['id']}/seats")
    assert seats["held"] == 0 and seats["waitlist"] == []
    holder = make_caller(OrgType.government)
    await cl.ok(holder, "POST", path)
    await cl.ok(make_caller(OrgType.soe), "POST", path)  # waitlisted
    await cl.ok(cl.operator, "POST", f"/launches/{event['id']}/cancel")
    # Cancelling the event cancels every seat and waitlist place in it, promoting nobody.
    mine = await cl.ok(holder, "GET", f"{path}/mine")
    assert mine["state"] == "cancelled" and mine["reason"].startswith("活动已取消")
    left = await cl.ok(cl.operator, "GET", f"{path}?state=cancelled")
    assert left["total"] == 2
    seats = await cl.ok(cl.operator, "GET", f"/launches/{event['id']}/seats")
    assert seats["held"] == 0 and seats["waitlist"] == []
    closed = await cl.call(make_caller(OrgType.soe), "POST", path)
    assert closed.status_code == 409 and closed.json()["errors"][0]["code"] == "registration_closed"
