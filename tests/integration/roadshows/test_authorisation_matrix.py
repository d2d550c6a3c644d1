"""Who may call what: every route x every organisation type x role gets exactly the
allowed answer, every route answers 401 to a missing or broken token, and ownership is
checked on the records, applications, bookings, meetings and follow-ups of others.

Roles never change the answer in this service: any user acts for their organisation.
"""

from __future__ import annotations

import re

import pytest

from shared.auth import DEFAULT_PUBLIC_PATHS, OrgType, Role, api_routes, undeclared_routes
from tests.integration.roadshows.conftest import PDF, RS, mandate_body
from tests.support.auth import make_caller
from tests.support.problems import code_of

pytestmark = pytest.mark.integration

ENT, INV, OP, GOV = OrgType.enterprise, OrgType.investor, OrgType.operator, OrgType.government
MARKET = {ENT, INV, OP}
EVERYONE = set(OrgType)
MATRIX: dict[tuple[str, str], set[OrgType]] = {
    ("POST", "/mandates"): {INV},
    ("GET", "/mandates"): MARKET,
    ("GET", "/mandates/{mandate_id}"): MARKET,
    ("PUT", "/mandates/{mandate_id}"): {INV, OP},
    ("POST", "/mandates/{mandate_id}/withdraw"): {INV, OP},
    ("POST", "/pitches"): {ENT},
    ("GET", "/pitches"): MARKET,
    ("GET", "/pitches/{pitch_id}"): MARKET,
    ("PUT", "/pitches/{pitch_id}"): {ENT, OP},
    ("POST", "/pitches/{pitch_id}/withdraw"): {ENT, OP},
    ("PUT", "/pitches/{pitch_id}/deck"): {ENT, OP},
    ("GET", "/pitches/{pitch_id}/deck"): MARKET,
    ("GET", "/mandates/{mandate_id}/pitches"): {INV, OP},
    ("GET", "/pitches/{pitch_id}/funds"): {ENT, OP},
    ("POST", "/roadshows"): {OP},
    ("GET", "/roadshows"): EVERYONE,
    ("GET", "/roadshows/{roadshow_id}"): EVERYONE,
    ("POST", "/roadshows/{roadshow_id}/cancel"): {OP},
    ("POST", "/roadshows/{roadshow_id}/close"): {OP},
    ("GET", "/compliance"): {OP, GOV},
    ("POST", "/roadshows/{roadshow_id}/applications"): {ENT},
    ("GET", "/roadshows/{roadshow_id}/applications"): {OP},
    ("GET", "/roadshows/{roadshow_id}/applications/mine"): {ENT},
    ("POST", "/applications/{application_id}/select"): {OP},
    ("POST", "/applications/{application_id}/decline"): {OP},
    ("POST", "/applications/{application_id}/withdraw"): {ENT},
    ("POST", "/roadshows/{roadshow_id}/seats"): {INV},
    ("GET", "/roadshows/{roadshow_id}/seats/mine"): {INV},
    ("POST", "/roadshows/{roadshow_id}/seats/cancel"): {INV},
    ("GET", "/roadshows/{roadshow_id}/seats"): {OP},
    ("POST", "/roadshows/{roadshow_id}/seats/{investor_org_id}/attended"): {OP},
    ("POST", "/roadshows/{roadshow_id}/meetings"): {INV},
    ("GET", "/roadshows/{roadshow_id}/meetings"): MARKET,
    ("POST", "/roadshows/{roadshow_id}/meetings/schedule"): {OP},
    ("POST", "/meetings/{meeting_id}/accept"): {ENT},
    ("POST", "/meetings/{meeting_id}/decline"): {ENT},
    ("POST", "/meetings/{meeting_id}/followup"): {INV},
    ("POST", "/meetings/{meeting_id}/followup/confirm"): {ENT},
    ("POST", "/meetings/{meeting_id}/followup/dispute"): {ENT},
    ("GET", "/meetings/{meeting_id}/followup"): MARKET,
}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "nope", path)


def test_every_route_is_in_the_matrix_and_declares_its_callers(rs: RS) -> None:
    assert undeclared_routes(rs.app) == []
    routes = {(m, p) for p, methods, _ in api_routes(rs.app) for m in methods
              if p not in DEFAULT_PUBLIC_PATHS}  # fmt: skip
    assert routes == set(MATRIX)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("org_type", list(OrgType))
async def test_org_types_get_exactly_what_the_matrix_allows(
    rs: RS, org_type: OrgType, role: Role
) -> None:
    caller = make_caller(org_type, role=role)
    wrong = []
    for (method, path), allowed in MATRIX.items():
        answer = await rs.call(caller, method, concrete(path))
        refused = answer.status_code == 403
        if refused != (org_type not in allowed) or answer.status_code in (401, 500):
            wrong.append(f"{method} {path}: {answer.status_code}")
        if refused:
            assert code_of(answer.json()) == "org_type_not_allowed"
    assert wrong == []


async def test_every_route_refuses_missing_and_broken_tokens(rs: RS) -> None:
    tokens = rs.mint.bad_tokens(rs.operator)
    for method, path in MATRIX:
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = await rs.client.request(method, concrete(path), headers=headers)
            assert answer.status_code == 401, f"{method} {path} with {name}"


async def test_owners_act_and_others_of_the_same_type_are_refused(rs: RS) -> None:
    inv, ent = make_caller(INV), make_caller(ENT)
    inv2, ent2 = make_caller(INV), make_caller(ENT)
    mandate = await rs.ok(inv, "POST", "/mandates", mandate_body())
    pitch = await rs.pitch(ent)
    rid = (await rs.roadshow(48))["id"]
    app = await rs.ok(ent, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]})
    await rs.ok(rs.operator, "POST", f"/applications/{app['id']}/select")
    await rs.ok(inv, "POST", f"/roadshows/{rid}/seats")
    m = await rs.ok(inv, "POST", f"/roadshows/{rid}/meetings", {"pitch_id": pitch["id"]})
    await rs.ok(ent, "POST", f"/meetings/{m['id']}/accept")
    await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/meetings/schedule")
    await rs.ok(inv, "POST", f"/meetings/{m['id']}/followup", {"stage": "met"})
    deck = {"content": PDF, "headers": {"Content-Type": "application/pdf"}}
    refused = [
        (inv2, "PUT", f"/mandates/{mandate['id']}", mandate_body(), {}),
        (inv2, "POST", f"/mandates/{mandate['id']}/withdraw", None, {}),
        (ent2, "PUT", f"/pitches/{pitch['id']}", None, {}),
        (ent2, "POST", f"/pitches/{pitch['id']}/withdraw", None, {}),
        (ent2, "PUT", f"/pitches/{pitch['id']}/deck", None, deck),
        (ent2, "GET", f"/pitches/{pitch['id']}/deck", None, {}),
        (ent2, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]}, {}),
        (ent2, "POST", f"/applications/{app['id']}/withdraw", None, {}),
        (ent2, "POST", f"/meetings/{m['id']}/accept", None, {}),
        (ent2, "POST", f"/meetings/{m['id']}/followup/confirm", None, {}),
        (inv2, "POST", f"/meetings/{m['id']}/followup", {"stage": "due_diligence"}, {}),
        (inv2, "GET", f"/meetings/{m['id']}/followup", None, {}),
        (inv2, "GET", f"/mandates/{mandate['id']}/pitches", None, {}),
        (ent2, "GET", f"/pitches/{pitch['id']}/funds", None, {}),
    ]
    for caller, method, path, body, extra in refused:
        if method == "PUT" and path.endswith(pitch["id"]):
            body = await rs.ok(ent, "GET", path)
            body = {k: body["content"][k] for k in body["content"]}
        answer = await rs.call(caller, method, path, body, **extra)
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code} {answer.text}"
    # the other party's views show only their own side
    assert (await rs.ok(inv2, "GET", f"/roadshows/{rid}/meetings"))["total"] == 0
    assert (await rs.ok(ent2, "GET", f"/roadshows/{rid}/applications/mine"))["total"] == 0
    assert (await rs.call(inv2, "GET", f"/roadshows/{rid}/seats/mine")).status_code == 404
    # and the owners may
    assert (await rs.call(ent, "GET", f"/meetings/{m['id']}/followup")).status_code == 200
    assert (await rs.call(ent, "POST", f"/meetings/{m['id']}/followup/confirm")).status_code == 200
    assert (await rs.call(inv, "POST", f"/mandates/{mandate['id']}/withdraw")).status_code == 200
