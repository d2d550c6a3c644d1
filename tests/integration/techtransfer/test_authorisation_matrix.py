"""Every route × org type × role × (owner / not owner) gets exactly the allowed status,
and every route answers 401 without a token or with an expired, tampered, wrong-key or
unknown-key token.

Each request gets fresh targets, made through the use cases: "owner" means the target
belongs to the caller's organisation (its offer or need, the interest on its record, its
side of a deal, its registration, the meeting it was invited to). Org types that can
never hold such a target (a SOE cannot own an offer) get the other organisation's target
in both variants, so their two rows expect the same status. Roles never change the
answer in this service: any user acts for their organisation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from services.techtransfer.domain.deals import DealReport
from services.techtransfer.domain.interest import InterestAnswers
from services.techtransfer.domain.records import NeedContent, OfferContent
from services.techtransfer.domain.sessions import SessionSpec
from services.techtransfer.domain.tz import SHANGHAI
from services.techtransfer.usecases import deals, interests, meetings, records, sessions
from shared.auth import DEFAULT_PUBLIC_PATHS, Caller, OrgType, Role, api_routes, undeclared_routes
from tests.integration.techtransfer.conftest import (
    CONTACT,
    TT,
    interest_body,
    need_body,
    offer_body,
)
from tests.support.auth import bearer, make_caller
from tests.support.problems import code_of, field_of, fields_of

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ENT, UNI, OP = OrgType.enterprise, OrgType.university, OrgType.operator
PARTIES = {ENT, UNI, OP}
CONTACT_MODEL = interests.Contact(**CONTACT)
ANSWERS = InterestAnswers(**interest_body()["answers"])


@dataclass(frozen=True)
class Case:
    org_type: OrgType
    role: Role
    owner: bool
    caller: Caller


@dataclass
class World:
    tt: TT
    cases: list[Case]
    others: dict[OrgType, Caller]  # someone else's organisation of each type
    operator: Caller


@pytest.fixture(scope="module")
async def world(tt: TT) -> World:
    orgs = {t: f"{t.value}-{uuid.uuid4().hex[:8]}" for t in OrgType}
    cases = [
        Case(t, role, owner, make_caller(t, role=role, org_id=orgs[t]))
        for t in OrgType
        for role in Role
        for owner in (True, False)
    ]
    others = {t: make_caller(t) for t in OrgType}
    return World(tt, cases, others, make_caller(OP))


# --- fresh targets, made through the use cases ---------------------------------------


def holder(w: World, c: Case, can: set[OrgType], fallback: OrgType) -> Caller:
    """The caller when it owns such things in this case, else another organisation."""
    return c.caller if c.owner and c.org_type in can else w.others[fallback]


async def offer(w: World, owner: Caller, publish: bool = True) -> str:
    content = OfferContent(**{k: v for k, v in offer_body().items()})
    r = await records.create_record(w.tt.deps, owner, "tech_offer", content, publish=publish)
    return r.id


async def need(w: World, owner: Caller, publish: bool = True) -> str:
    content = NeedContent(**need_body())
    r = await records.create_record(w.tt.deps, owner, "tech_need", content, publish=publish)
    return r.id


async def interest_on_own_record(w: World, c: Case) -> str:
    """An open interest; the record belongs to the caller in the owner variant."""
    owner = holder(w, c, {ENT, UNI}, UNI)
    oid = await offer(w, owner)
    interested = (
        w.others[ENT]
        if owner.organisation_id != w.others[ENT].organisation_id
        else (make_caller(ENT))
    )
    v = await interests.express(w.tt.deps, interested, "tech_offer", oid, ANSWERS, CONTACT_MODEL)
    return v.interest.id


async def interest_of_caller(w: World, c: Case) -> str:
    """An open interest the caller expressed (owner variant), else another's."""
    if c.owner and c.org_type is ENT:
        oid = await offer(w, w.others[UNI])
        v = await interests.express(w.tt.deps, c.caller, "tech_offer", oid, ANSWERS, CONTACT_MODEL)
    elif c.owner and c.org_type is UNI:
        nid = await need(w, w.others[ENT])
        v = await interests.express(w.tt.deps, c.caller, "tech_need", nid, ANSWERS, CONTACT_MODEL)
    else:
        oid = await offer(w, w.others[UNI])
        v = await interests.express(
            w.tt.deps, w.others[ENT], "tech_offer", oid, ANSWERS, CONTACT_MODEL
        )
    return v.interest.id


async def accepted_interest(w: World, c: Case) -> tuple[str, Caller, Caller]:
    """(interest id, record owner, interested); the caller is a side in the owner variant."""
    owner = holder(w, c, {ENT, UNI}, UNI)
    interested = make_caller(ENT)
    oid = await offer(w, owner)
    v = await interests.express(w.tt.deps, interested, "tech_offer", oid, ANSWERS, CONTACT_MODEL)
    await interests.accept(w.tt.deps, owner, v.interest.id, CONTACT_MODEL)
    return v.interest.id, owner, interested


REPORT = DealReport(
    mode="license", contract_value_cny=100_000, signed_on=dt.date(2024, 1, 5), in_beijing=True
)


async def deal_to_answer(w: World, c: Case) -> str:
    """A reported deal the caller (owner variant) is asked to confirm."""
    iid, _owner, interested = await accepted_interest(w, c)
    v = await deals.report(w.tt.deps, interested, iid, REPORT)
    return v.deal.id


def spec(days: int = 10) -> SessionSpec:
    day = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=days)).date()
    return SessionSpec(
        title="矩阵测试洽谈会",
        domain="ai",
        day=day,
        start_time=dt.time(9, 0),
        slot_minutes=20,
        slot_count=3,
        tables_per_slot=3,
        venue="中关村",
        registration_deadline=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
    )


async def session_with(w: World, c: Case) -> tuple[str, Caller, Caller]:
    """A session with two participants; the caller is the first in the owner variant."""
    s = await sessions.create(w.tt.deps, w.operator, spec())
    first = holder(w, c, {ENT, UNI}, UNI)
    second = make_caller(ENT)
    await sessions.register(w.tt.deps, first, s.id, [await offer(w, first)], [], "甲")
    await sessions.register(w.tt.deps, second, s.id, [await need(w, second)], [], "乙")
    return s.id, first, second


async def meeting(w: World, c: Case, accepted: bool = False) -> tuple[str, str]:
    """(session, meeting) where the caller is the invitee in the owner variant."""
    sid, first, second = await session_with(w, c)
    m = await meetings.request(w.tt.deps, second, sid, first.organisation_id, "")
    if accepted:
        await meetings.accept(w.tt.deps, first, m.id)
    return sid, m.id


# --- the matrix -------------------------------------------------------------------------

Built = tuple[str, str, Any, dt.timedelta | None]
Build = Callable[[World, Case], Awaitable[Built]]
Expect = Callable[[Case], int]


def can_own(c: Case, *kinds: OrgType) -> bool:
    return c.owner and c.org_type in kinds


def deny_unless(ok: bool, code: int = 200) -> int:
    return code if ok else 403


def call(method: str, path: str, body: Any = None, shift: dt.timedelta | None = None) -> Built:
    return method, path, body, shift


async def _draft(w: World, c: Case, kind: str) -> str:
    if kind == "offer":
        return await offer(w, holder(w, c, {ENT, UNI}, UNI), publish=False)
    return await need(w, holder(w, c, {ENT}, ENT), publish=False)


async def _published(w: World, c: Case, kind: str) -> str:
    if kind == "offer":
        return await offer(w, holder(w, c, {ENT, UNI}, UNI))
    return await need(w, holder(w, c, {ENT}, ENT))


def record_endpoints(kind: str, owners: tuple[OrgType, ...]) -> dict[str, tuple[Build, Expect]]:
    base = f"/{kind}s"
    body = offer_body if kind == "offer" else need_body
    pid = f"{{{kind}_id}}"

    async def draft(w: World, c: Case) -> str:
        return await _draft(w, c, kind)

    async def published(w: World, c: Case) -> str:
        return await _published(w, c, kind)

    async def build_create(w, c):
        return call("POST", base, body())

    async def build_get(w, c):
        return call("GET", f"{base}/{await draft(w, c)}")

    async def build_patch(w, c):
        return call("PATCH", f"{base}/{await published(w, c)}", {"keywords": ["改"]})

    async def build_publish(w, c):
        return call("POST", f"{base}/{await draft(w, c)}/publish")

    async def build_withdraw(w, c):
        return call("POST", f"{base}/{await published(w, c)}/withdraw")

    async def build_close(w, c):
        return call("POST", f"{base}/{await published(w, c)}/close")

    async def build_list(w, c):
        return call("GET", base)

    mine: Expect = lambda c: deny_unless(can_own(c, *owners))  # noqa: E731
    return {
        f"POST {base}": (build_create, lambda c: 201 if c.org_type in owners else 403),
        f"GET {base}": (build_list, lambda c: 200),
        f"GET {base}/{pid}": (build_get, lambda c: 200 if can_own(c, *owners) else 404),
        f"PATCH {base}/{pid}": (build_patch, mine),
        f"POST {base}/{pid}/publish": (
            build_publish,
            lambda c: 200 if can_own(c, *owners) else 404 if c.org_type in PARTIES else 403,
        ),
        f"POST {base}/{pid}/withdraw": (build_withdraw, mine),
        f"POST {base}/{pid}/close": (build_close, mine),
    }


async def b_interest_offer(w, c):
    oid = await offer(w, holder(w, c, {ENT, UNI}, UNI))
    return call("POST", f"/offers/{oid}/interests", interest_body())


async def b_interest_need(w, c):
    nid = await need(w, holder(w, c, {ENT}, ENT))
    return call("POST", f"/needs/{nid}/interests", interest_body())


async def b_get_interest(w, c):
    return call("GET", f"/interests/{await interest_on_own_record(w, c)}")


async def b_accept(w, c):
    iid = await interest_on_own_record(w, c)
    return call("POST", f"/interests/{iid}/accept", {"contact": CONTACT})


async def b_decline(w, c):
    iid = await interest_on_own_record(w, c)
    return call("POST", f"/interests/{iid}/decline", {"reason": "不合适"})


async def b_withdraw_interest(w, c):
    return call("POST", f"/interests/{await interest_of_caller(w, c)}/withdraw")


async def b_report(w, c):
    iid, _, _ = await accepted_interest(w, c)
    return call(
        "POST",
        f"/interests/{iid}/deals",
        {"mode": "license", "contract_value_cny": 1, "signed_on": "2024-01-05", "in_beijing": True},
    )


async def b_get_deal(w, c):
    return call("GET", f"/deals/{await deal_to_answer(w, c)}")


async def b_confirm(w, c):
    return call("POST", f"/deals/{await deal_to_answer(w, c)}/confirm")


async def b_dispute(w, c):
    return call("POST", f"/deals/{await deal_to_answer(w, c)}/dispute", {"reason": "金额不符"})


async def b_create_session(w, c):
    return call("POST", "/sessions", spec().model_dump(mode="json"))


async def b_get_session(w, c):
    sid, _, _ = await session_with(w, c)
    return call("GET", f"/sessions/{sid}")


async def b_register(w, c):
    s = await sessions.create(w.tt.deps, w.operator, spec())
    rid = await offer(w, holder(w, c, {ENT, UNI}, UNI))
    return call("POST", f"/sessions/{s.id}/registrations", {"record_ids": [rid]})


def session_read(suffix: str) -> Build:
    async def build(w, c):
        sid, first, _ = await session_with(w, c)
        path = f"/sessions/{sid}{suffix}".replace("{participant}", first.organisation_id)
        return call("GET", path)

    return build


async def b_schedule(w, c):
    sid, _, _ = await session_with(w, c)
    return call("POST", f"/sessions/{sid}/schedule")


async def b_request_meeting(w, c):
    sid, first, second = await session_with(w, c)
    invitee = second if first.organisation_id == c.caller.organisation_id else first
    return call("POST", f"/sessions/{sid}/meetings", {"invitee": invitee.organisation_id})


async def b_get_meeting(w, c):
    _, mid = await meeting(w, c)
    return call("GET", f"/meetings/{mid}")


def meeting_action(action: str, body: Any = None, accepted: bool = False) -> Build:
    async def build(w, c):
        _, mid = await meeting(w, c, accepted=accepted)
        return call("POST", f"/meetings/{mid}/{action}", body)

    return build


async def b_rate(w, c):
    _sid, mid = await meeting(w, c, accepted=True)
    await meetings.lock(w.tt.deps, w.operator, mid, 1, 1)
    return call(
        "POST", f"/meetings/{mid}/rating", {"outcome": "negotiating"}, dt.timedelta(days=30)
    )


def party(c: Case) -> bool:
    return c.org_type in (ENT, UNI)


def side(c: Case) -> bool:
    return c.owner and party(c)


def side_or_operator(c: Case) -> int:
    return 200 if side(c) or c.org_type is OP else 403


ENDPOINTS: dict[str, tuple[Build, Expect]] = {
    **record_endpoints("offer", (ENT, UNI)),
    **record_endpoints("need", (ENT,)),
    "POST /offers/{offer_id}/interests": (
        b_interest_offer,
        lambda c: 201 if c.org_type is ENT and not c.owner else 403,
    ),
    "POST /needs/{need_id}/interests": (
        b_interest_need,
        lambda c: 201 if party(c) and not can_own(c, ENT) else 403,
    ),
    "GET /interests": (lambda w, c: _static("GET", "/interests"), lambda c: 200),
    "GET /interests/{interest_id}": (b_get_interest, side_or_operator),
    "POST /interests/{interest_id}/accept": (b_accept, lambda c: deny_unless(side(c))),
    "POST /interests/{interest_id}/decline": (b_decline, lambda c: deny_unless(side(c))),
    "POST /interests/{interest_id}/withdraw": (
        b_withdraw_interest,
        lambda c: deny_unless(side(c)),
    ),
    "POST /interests/{interest_id}/deals": (b_report, lambda c: deny_unless(side(c), 201)),
    "GET /deals": (lambda w, c: _static("GET", "/deals"), lambda c: 200),
    "GET /deals/{deal_id}": (b_get_deal, side_or_operator),
    "POST /deals/{deal_id}/confirm": (b_confirm, lambda c: deny_unless(side(c))),
    "POST /deals/{deal_id}/dispute": (b_dispute, lambda c: deny_unless(side(c))),
    "GET /support-eligibility": (
        lambda w, c: _static("GET", "/support-eligibility"),
        lambda c: deny_unless(c.org_type is OP),
    ),
    "POST /sessions": (b_create_session, lambda c: 201 if c.org_type is OP else 403),
    "GET /sessions": (lambda w, c: _static("GET", "/sessions"), lambda c: 200),
    "GET /sessions/{session_id}": (b_get_session, lambda c: 200),
    "POST /sessions/{session_id}/registrations": (
        b_register,
        lambda c: deny_unless(side(c), 201),
    ),
    "GET /sessions/{session_id}/registrations": (
        session_read("/registrations"),
        side_or_operator,
    ),
    "POST /sessions/{session_id}/schedule": (
        b_schedule,
        lambda c: deny_unless(c.org_type is OP),
    ),
    "GET /sessions/{session_id}/schedule": (session_read("/schedule"), side_or_operator),
    "GET /sessions/{session_id}/agenda": (
        session_read("/agenda?participant={participant}"),
        side_or_operator,
    ),
    "GET /sessions/{session_id}/agenda.ics": (
        session_read("/agenda.ics?participant={participant}"),
        side_or_operator,
    ),
    "POST /sessions/{session_id}/meetings": (
        b_request_meeting,
        lambda c: deny_unless(side(c), 201),
    ),
    "GET /sessions/{session_id}/meetings": (session_read("/meetings"), side_or_operator),
    "GET /meetings/{meeting_id}": (b_get_meeting, side_or_operator),
    "POST /meetings/{meeting_id}/accept": (
        meeting_action("accept"),
        lambda c: deny_unless(side(c)),
    ),
    "POST /meetings/{meeting_id}/decline": (
        meeting_action("decline"),
        lambda c: deny_unless(side(c)),
    ),
    "POST /meetings/{meeting_id}/lock": (
        meeting_action("lock", {"slot": 2, "table": 1}, accepted=True),
        lambda c: deny_unless(c.org_type is OP),
    ),
    "POST /meetings/{meeting_id}/rating": (b_rate, lambda c: deny_unless(side(c))),
}


async def _static(method: str, path: str) -> Built:
    return call(method, path)


def test_every_route_is_declared_and_covered(tt: TT) -> None:
    assert undeclared_routes(tt.app) == []
    routes = {
        f"{m} {p}" for p, ms, _ in api_routes(tt.app) for m in ms if p not in DEFAULT_PUBLIC_PATHS
    }
    assert routes == set(ENDPOINTS), "every endpoint must be in the matrix"


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
async def test_matrix(world: World, endpoint: str) -> None:
    build, expect = ENDPOINTS[endpoint]
    failures = []
    for case in world.cases:
        method, path, body, shift = await build(world, case)
        if shift is not None:
            world.tt.clock.offset = shift
        try:
            response = await world.tt.call(case.caller, method, path, body)
        finally:
            world.tt.clock.offset = dt.timedelta()
        wanted = expect(case)
        if response.status_code != wanted:
            failures.append(
                f"{case.org_type.value}/{case.role.value}/{'owner' if case.owner else 'other'}: "
                f"{response.status_code} != {wanted} {response.text[:200]}"
            )
        if response.status_code in (403, 404):
            assert fields_of(response.json()) and code_of(response.json())
    assert not failures, "\n".join(failures)


async def test_401_without_a_valid_token(world: World) -> None:
    tt = world.tt
    case = next(c for c in world.cases if c.org_type is OP)
    tokens = tt.mint.bad_tokens(case.caller)
    for endpoint, (build, _) in ENDPOINTS.items():
        method, path, body, _ = await build(world, case)
        for label, token in tokens.items():
            response = await tt.client.request(method, path, json=body, headers=bearer(token))
            assert response.status_code == 401, (endpoint, label, response.text)
            assert field_of(response.json()) == "Authorization"


async def test_house_endpoints_need_no_token(tt: TT) -> None:
    assert (await tt.client.get("/healthz")).status_code == 200
    assert (await tt.client.get("/openapi.json")).status_code == 200
