"""Ownership of the records one organisation creates on another's (issue 17): an
expression of interest (with its sender's contact) and a claim and a candidate (with the
candidate's phone, e-mail and CV), tried by every other organisation type by id."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.test_ownership import stranger_faults
from tests.integration.talent.conftest import agency_body, candidate_body, demand_body
from tests.integration.techtransfer.conftest import interest_body, offer_body
from tests.support.auth import make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
STRANGERS = [OrgType.enterprise, OrgType.university, OrgType.soe, OrgType.government,
             OrgType.investor, OrgType.headhunter]  # fmt: skip


async def test_an_interest_is_the_two_sides_only(services: dict[str, Service]) -> None:
    tt = services["techtransfer"]
    owner, sender = make_caller(OrgType.university), make_caller(OrgType.enterprise)
    offer = await tt.ok(owner, "POST", "/offers", offer_body(publish=True))
    view = await tt.ok(sender, "POST", f"/offers/{offer['id']}/interests", interest_body())
    interest = view["interest"]
    # the owner does not see the sender's contact before accepting
    seen = await tt.ok(owner, "GET", f"/interests/{interest['id']}")
    assert "010-62780000" not in str(seen) and "li@example.cn" not in str(seen), seen
    strangers = [make_caller(t) for t in STRANGERS]
    faults, _ = await stranger_faults(tt, "interest_id", interest["id"], strangers, visible=False)
    for stranger in strangers:
        listed = await tt.call(stranger, "GET", "/interests", params={"record_id": offer["id"]})
        if listed.status_code == 200 and interest["id"] in listed.text:
            faults.append(f"{stranger.org_type} lists the interest")
    assert (await tt.ok(owner, "GET", f"/interests/{interest['id']}")) == seen
    assert not faults, "\n".join(faults)


async def test_a_candidate_and_a_claim_are_their_agency_and_the_demander_only(
    services: dict[str, Service],
) -> None:
    talent = services["talent"]
    operator = make_caller(OrgType.operator)
    agencies = [make_caller(OrgType.headhunter) for _ in range(2)]
    for agency in agencies:
        await talent.ok(agency, "POST", "/agencies", agency_body())
        await talent.ok(operator, "POST", f"/agencies/{agency.organisation_id}/verify")
    owner = make_caller(OrgType.enterprise)
    demand = await talent.ok(owner, "POST", "/demands", demand_body(claim_mode="open"))
    claim = await talent.ok(agencies[0], "POST", f"/demands/{demand['id']}/claims")
    candidate = await talent.ok(agencies[0], "POST", f"/demands/{demand['id']}/candidates",
                                candidate_body(7))  # fmt: skip
    cv = f"/candidates/{candidate['id']}/cv"
    pdf = {"content-type": "application/pdf"}
    await talent.call(agencies[0], "PUT", cv, content=b"%PDF-1.4 cv", headers=pdf)
    strangers = [agencies[1], *[make_caller(t) for t in STRANGERS]]
    faults: list[str] = []
    for param, rid in (("candidate_id", candidate["id"]), ("claim_id", claim["id"])):
        found, _ = await stranger_faults(talent, param, rid, strangers, visible=False)
        faults += found
    for stranger in strangers:
        for path in (f"/demands/{demand['id']}/candidates", "/claims"):
            listed = await talent.call(stranger, "GET", path)
            if listed.status_code == 200 and (candidate["id"] in listed.text
                                              or claim["id"] in listed.text):  # fmt: skip
                faults.append(f"{stranger.org_type} lists {path}: {listed.text[:200]}")
    assert not faults, "\n".join(faults)


async def test_an_organisations_people_are_its_own(services: dict[str, Service]) -> None:
    identity = services["identity"]
    email = "admin-audit@test.duijie.local"
    body = {
        "organisation": {"type": "university", "name": "审计大学", "kind": "university"},
        "admin": {"name": "管理员", "email": email, "password": "Abcdefgh-123"},
    }
    created = await identity.ok(make_caller(OrgType.operator), "POST", "/organisations", body)
    org_id = created.get("id") or created["organisation"]["id"]
    strangers = [make_caller(t) for t in STRANGERS]
    faults, _ = await stranger_faults(identity, "organisation_id", org_id, strangers,
                                      visible=True)  # fmt: skip
    person = {"name": "冒名者", "email": "intruder@test.duijie.local", "password": "Abcdefgh-123"}
    for stranger in strangers:
        added = await identity.call(stranger, "POST", f"/organisations/{org_id}/users", person)
        if added.status_code != 403:
            faults.append(f"{stranger.org_type} adds a user: {added.status_code} {added.text}")
        for path in (f"/organisations/{org_id}", f"/organisations/{org_id}/users",
                     "/organisations"):  # fmt: skip
            r = await identity.call(stranger, "GET", path)
            if r.status_code == 200 and any(s in r.text for s in (email, "password", "hash")):
                faults.append(f"{stranger.org_type} {path} shows personal data: {r.text[:200]}")
    assert not faults, "\n".join(faults)


async def test_an_inbox_message_is_its_readers_only(services: dict[str, Service]) -> None:
    import datetime as dt
    import uuid

    from services.notifications.domain.preferences import Category
    from services.notifications.domain.records import Message

    notes = services["notifications"]
    reader = make_caller(OrgType.enterprise)
    message = Message(
        id=f"msg-{uuid.uuid4().hex[:12]}", user_id=reader.user_id,
        organisation_id=reader.organisation_id, event_id=uuid.uuid4().hex,
        event_type="matching.match.suggested", category=Category.match, title="新的匹配",
        body="有一条新的匹配", link="/matches", subject_kind="tech_need", subject_id="n-1",
        language="zh", created_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    await notes.app.state.deps.repos.messages.add_many([message])
    colleague = make_caller(OrgType.enterprise, org_id=reader.organisation_id)
    faults: list[str] = []
    for stranger in [colleague, *[make_caller(t) for t in STRANGERS]]:
        marked = await notes.call(stranger, "POST", f"/inbox/{message.id}/read")
        if marked.status_code != 404:
            faults.append(f"{stranger.org_type} marks it read: {marked.status_code}")
        listed = await notes.call(stranger, "GET", "/inbox")
        if message.id in listed.text or "新的匹配" in listed.text:
            faults.append(f"{stranger.org_type} lists it")
    count = await notes.ok(reader, "GET", "/inbox/unread-count")
    assert not faults and message.id in (await notes.call(reader, "GET", "/inbox")).text, faults
    assert count == {"unread": 1}, count  # nobody else's mark reached it
