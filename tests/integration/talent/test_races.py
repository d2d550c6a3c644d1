"""Every conditional change under a race, on the real FerretDB: exactly the allowed number
of winners, and exactly one event per win."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.integration.talent.conftest import TL, candidate_body, of_type, wait_for_events

pytestmark = pytest.mark.integration


async def _agencies(tl: TL, n: int) -> list:
    return list(await asyncio.gather(*(tl.agency() for _ in range(n))))


async def test_exclusive_claim_has_exactly_one_winner(tl: TL) -> None:
    agencies = await _agencies(tl, 12)
    demand = await tl.demand(tl.enterprise())
    path = f"/demands/{demand['id']}/claims"
    answers = await asyncio.gather(*(tl.call(a, "POST", path) for a in agencies))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 11, [r.text for r in answers if r.status_code not in (201, 409)]
    winner = next(r.json() for r in answers if r.status_code == 201)
    seen = await wait_for_events(
        tl, ["claim"], lambda es: bool(of_type(es, "talent.claim.granted", winner["id"]))
    )
    granted = [
        e for e in of_type(seen, "talent.claim.granted") if e["data"]["demand_id"] == demand["id"]
    ]
    assert len(granted) == 1


async def test_open_claims_never_exceed_k(tl: TL) -> None:
    agencies = await _agencies(tl, 10)
    demand = await tl.demand(tl.enterprise(), claim_mode="open", open_k=3)
    path = f"/demands/{demand['id']}/claims"
    answers = await asyncio.gather(*(tl.call(a, "POST", path) for a in agencies))
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 7
    refused = [r.json()["errors"][0]["code"] for r in answers if r.status_code == 409]
    assert set(refused) == {"demand_claims_full"}
    # One gives its slot back: exactly one more agency gets in.
    holder = next(r.json() for r in answers if r.status_code == 201)
    holder_agency = next(a for a in agencies if a.organisation_id == holder["agency_id"])
    await tl.ok(holder_agency, "POST", f"/claims/{holder['id']}/release")
    losers = [a for a, r in zip(agencies, answers, strict=True) if r.status_code == 409]
    again = await asyncio.gather(*(tl.call(a, "POST", path) for a in losers))
    assert sorted(r.status_code for r in again) == [201] + [409] * 6


async def test_an_agency_holds_at_most_m_claims_even_when_racing(tl: TL) -> None:
    agency = await tl.agency()
    owner = tl.enterprise()
    demands = await asyncio.gather(*(tl.demand(owner) for _ in range(6)))
    answers = await asyncio.gather(
        *(tl.call(agency, "POST", f"/demands/{d['id']}/claims") for d in demands)
    )
    limit = tl.talent.agency_max_claims
    assert sorted(r.status_code for r in answers) == [201] * limit + [409] * (6 - limit)
    codes = {r.json()["errors"][0]["code"] for r in answers if r.status_code == 409}
    assert codes == {"agency_claim_limit"}
    # Nothing partial: the refused demands' slots are free for another agency.
    other = await tl.agency()
    refused = [d for d, r in zip(demands, answers, strict=True) if r.status_code == 409]
    assert (await tl.call(other, "POST", f"/demands/{refused[0]['id']}/claims")).status_code == 201


async def test_the_same_person_belongs_to_the_first_submitter(tl: TL) -> None:
    demand = await tl.demand(tl.enterprise(), claim_mode="open", open_k=5)
    agencies = await _agencies(tl, 5)
    for a in agencies:
        await tl.claim(a, demand["id"])
    # The same person, written five ways (spaces, +86, upper-case e-mail).
    phones = [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "008613812345678",
        "8613812345678",
    ]
    path = f"/demands/{demand['id']}/candidates"
    answers = await asyncio.gather(*(
        tl.call(a, "POST", path, candidate_body(5, phone=p, email="Same.Person@Example.cn"))
        for a, p in zip(agencies, phones, strict=True)
    ))  # fmt: skip
    assert sorted(r.status_code for r in answers) == [201] + [409] * 4
    conflict = next(r.json() for r in answers if r.status_code == 409)
    assert conflict["errors"][0]["code"] == "duplicate_candidate"
    # Same person by e-mail only, new phone: still theirs.
    winner = next(a for a, r in zip(agencies, answers, strict=True) if r.status_code == 201)
    loser = next(a for a in agencies if a is not winner)
    by_mail = await tl.call(loser, "POST", path, candidate_body(6, email="same.person@example.cn"))
    assert by_mail.status_code == 409 and by_mail.json()["errors"][0]["field"] == "email"


async def test_one_winner_when_the_enterprise_and_the_sweeper_race_on_a_claim(tl: TL) -> None:
    enterprise = tl.enterprise()
    agency = await tl.agency()
    demand = await tl.demand(enterprise, exclusive_days=3)
    claim = await tl.claim(agency, demand["id"])
    tl.clock.offset = dt.timedelta(days=3, minutes=1)
    revoke = tl.call(enterprise, "POST", f"/claims/{claim['id']}/revoke", {"reason": "进展太慢"})
    results = await asyncio.gather(revoke, tl.sweep(), tl.sweep())
    final = await tl.ok(agency, "GET", f"/claims/{claim['id']}")
    assert final["state"] in ("revoked", "expired") and final["units_freed"]
    assert results[0].status_code in (200, 409)
    seen = await wait_for_events(tl, ["claim"], lambda es: bool(
        of_type(es, f"talent.claim.{final['state']}", claim["id"])))  # fmt: skip
    ends = [e for e in seen if e["subject"] == claim["id"] and e["type"] != "talent.claim.granted"]
    assert len(ends) == 1


async def test_fair_places_never_overbook_and_the_waitlist_moves_up_in_order(tl: TL) -> None:
    from shared.auth import OrgType
    from tests.support.auth import make_caller

    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    body = {"title": "集成电路专场招聘会", "domains": ["ic"], "venue": "中关村国际创新中心",
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=6)).isoformat(),
            "capacity": 4}  # fmt: skip
    fair = await tl.ok(tl.operator, "POST", "/fairs", body)
    orgs = [make_caller(OrgType.enterprise) for _ in range(15)]
    path = f"/fairs/{fair['id']}/registrations"
    answers = await asyncio.gather(*(tl.call(o, "POST", path) for o in orgs))
    assert all(r.status_code == 201 for r in answers)
    states = [r.json()["state"] for r in answers]
    assert states.count("registered") == 4 and states.count("waitlisted") == 11
    twice = await tl.call(orgs[0], "POST", path)
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "already_registered"
    queue = await tl.deps.repos.units.waiters(f"fair:{fair['id']}:places")
    seated = [o for o, st in zip(orgs, states, strict=True) if st == "registered"]
    for org in seated[:2]:
        assert (await tl.ok(org, "DELETE", f"{path}/mine"))["state"] == "cancelled"
    listed = await tl.ok(tl.operator, "GET", f"{path}?limit=100")
    assert listed["total"] == 4
    assert {r["org_id"] for r in listed["items"]} == {o.organisation_id for o in seated[2:]} | set(
        queue[:2]
    )
    seen = await wait_for_events(
        tl, ["fair"], lambda es: len(of_type(es, "talent.fair.promoted")) >= 2
    )
    assert sorted(e["data"]["org_id"] for e in of_type(seen, "talent.fair.promoted")) == sorted(
        queue[:2]
    )


async def test_slots_of_a_grant_that_died_midway_are_given_back_two_sweeps_later(tl: TL) -> None:
    from services.talent.usecases.claims import agency_slots, demand_slots

    agency = await tl.agency()
    demand = await tl.demand(tl.enterprise())
    units = tl.deps.repos.units
    # A claim request that took both slots, then its process died before saving the claim.
    await units.acquire(demand_slots(demand["id"]), agency.organisation_id, 1)
    await units.acquire(agency_slots(agency.organisation_id), demand["id"], 3)
    refused = await tl.call(await tl.agency(), "POST", f"/demands/{demand['id']}/claims")
    assert refused.status_code == 409
    await tl.sweep()  # first sighting: maybe a grant in flight, left alone
    assert await units.holding(demand_slots(demand["id"]), agency.organisation_id) is not None
    await tl.sweep()  # still an orphan: given back
    assert await units.holding(demand_slots(demand["id"]), agency.organisation_id) is None
    assert await units.holding(agency_slots(agency.organisation_id), demand["id"]) is None
    assert (await tl.claim(agency, demand["id"]))["state"] == "active"
    await tl.sweep()
    await tl.sweep()  # a real claim's slots are never orphans
    assert await units.holding(demand_slots(demand["id"]), agency.organisation_id) is not None


async def test_person_keys_of_a_submission_that_died_are_freed(tl: TL) -> None:
    from services.talent.storage import PersonKey

    agency = await tl.agency()
    demand = await tl.demand(tl.enterprise())
    await tl.claim(agency, demand["id"])
    first = await tl.call(agency, "POST", f"/demands/{demand['id']}/candidates", candidate_body(31))
    assert first.status_code == 201
    # A submission that took the person's key, then died before saving its candidate.
    key = "deadbeef" * 4
    taken = PersonKey(candidate_id="cand-never-saved", agency_id=agency.organisation_id,
                      at=tl.clock())  # fmt: skip
    await tl.deps.repos.person_keys.create(f"{demand['id']}:{key}", taken)
    await tl.sweep()
    assert await tl.deps.repos.person_keys.get(f"{demand['id']}:{key}") is not None  # too young
    tl.clock.offset = dt.timedelta(minutes=11)
    assert (await tl.sweep())["person_keys_freed"] == 1
    assert await tl.deps.repos.person_keys.get(f"{demand['id']}:{key}") is None
    again = await tl.call(agency, "POST", f"/demands/{demand['id']}/candidates", candidate_body(31))
    assert again.status_code == 409  # the real submission's keys stay


async def test_every_other_conditional_change_has_one_winner_and_one_event(tl: TL) -> None:
    enterprise = tl.enterprise()
    fresh = await tl.agency(verified=False)
    agency = await tl.agency()
    demand = await tl.demand(enterprise, claim_mode="open", open_k=2)
    claim = await tl.claim(agency, demand["id"])
    cand = await tl.submit(agency, demand["id"], n=41)
    racing = {
        "verify": [tl.call(tl.operator, "POST", f"/agencies/{fresh.organisation_id}/verify")
                   for _ in range(5)],
        "advance": [tl.call(enterprise, "POST", f"/candidates/{cand['id']}/advance",
                            {"action": "shortlist"}) for _ in range(5)],
        "release": [tl.call(agency, "POST", f"/claims/{claim['id']}/release") for _ in range(3)]
        + [tl.call(enterprise, "POST", f"/claims/{claim['id']}/revoke", {"reason": "换人"})
           for _ in range(2)],
    }  # fmt: skip
    for name, calls in racing.items():
        answers = await asyncio.gather(*calls)
        codes = sorted(r.status_code for r in answers)
        assert codes == [200] + [409] * 4, (name, [r.text[:120] for r in answers])
    withdraws = await asyncio.gather(*(
        tl.call(enterprise, "POST", f"/demands/{demand['id']}/withdraw", {"reason": "取消"})
        for _ in range(5)
    ))  # fmt: skip
    assert sorted(r.status_code for r in withdraws) == [200] + [409] * 4
    seen = await wait_for_events(tl, ["agency", "candidate", "claim", "demand"], lambda es: bool(
        of_type(es, "talent.demand.withdrawn", demand["id"])))  # fmt: skip
    assert len(of_type(seen, "talent.agency.published", fresh.organisation_id)) == 1
    assert len(of_type(seen, "talent.candidate.advanced", cand["id"])) == 1
    ends = [e for e in seen if e["subject"] == claim["id"] and e["type"] != "talent.claim.granted"]
    assert len(ends) == 1
    assert len(of_type(seen, "talent.demand.withdrawn", demand["id"])) == 1


async def test_a_claim_that_outlived_its_demands_withdrawal_is_ended_by_the_sweeper(tl: TL) -> None:
    from services.talent.domain import demands as demand_domain

    agency = await tl.agency()
    demand = await tl.demand(tl.enterprise())
    claim = await tl.claim(agency, demand["id"])
    # The withdrawal's own clean-up listed the claims before this one was saved.
    store = tl.deps.repos.demands
    current = await store.get(demand["id"])
    assert current is not None
    t = demand_domain.withdraw(current.state, "取消", tl.clock())
    await store.save(demand["id"], t.entity, current.version)
    assert (await tl.ok(agency, "GET", f"/claims/{claim['id']}"))["state"] == "active"
    await tl.sweep()
    ended = await tl.ok(agency, "GET", f"/claims/{claim['id']}")
    assert ended["state"] == "released" and ended["units_freed"] and ended["reason"] == "取消"


async def test_a_waiter_promoted_by_someone_elses_join_is_recorded(tl: TL) -> None:
    from services.talent.usecases import fairs
    from shared.auth import OrgType
    from tests.support.auth import make_caller

    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    ends = (start + dt.timedelta(hours=2)).isoformat()
    body = {"title": "小型专场", "domains": ["ai"], "venue": "海淀", "capacity": 1,
            "starts_at": start.isoformat(), "ends_at": ends}  # fmt: skip
    fair = await tl.ok(tl.operator, "POST", "/fairs", body)
    first, second = make_caller(OrgType.enterprise), make_caller(OrgType.university)
    path = f"/fairs/{fair['id']}/registrations"
    assert (await tl.ok(first, "POST", path))["state"] == "registered"
    assert (await tl.ok(second, "POST", path))["state"] == "waitlisted"
    # The place frees, and a third registrant's acquire promotes the head of the waitlist
    # (inside shared.units) before the cancellation's own promotion runs.
    resource = fairs.places(fair["id"])
    await tl.deps.repos.units.release(resource, first.organisation_id)
    assert await tl.deps.repos.units.promote(resource, 1) == [second.organisation_id]
    assert await fairs.promote_waiters(tl.deps, await fairs.get(tl.deps, fair["id"])) == [
        second.organisation_id
    ]
    listed = await tl.ok(tl.operator, "GET", f"{path}?limit=10")
    assert second.organisation_id in {r["org_id"] for r in listed["items"]}
