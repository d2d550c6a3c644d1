"""Who may call what: every route x every organisation type x role gets exactly the
allowed answer, every route answers 401 to a missing or broken token, the results page is
public, and ownership, panel membership and visibility are checked on others' records."""

from __future__ import annotations

import re

import pytest

from shared.auth import DEFAULT_PUBLIC_PATHS, OrgType, Role, api_routes, undeclared_routes
from tests.integration.scenarios.conftest import (
    SC,
    capability_body,
    expert,
    proposal_body,
    publisher,
    scenario_body,
)
from tests.support.auth import make_caller
from tests.support.problems import code_of

pytestmark = pytest.mark.integration

ENT, GOV, SOE, OP = OrgType.enterprise, OrgType.government, OrgType.soe, OrgType.operator
PUB = {GOV, SOE}
EVERYONE = set(OrgType)
MATRIX: dict[tuple[str, str], set[OrgType]] = {
    ("POST", "/capabilities"): {ENT},
    ("GET", "/capabilities"): EVERYONE,
    ("GET", "/capabilities/{capability_id}"): EVERYONE,
    ("PUT", "/capabilities/{capability_id}"): {ENT, OP},
    ("POST", "/capabilities/{capability_id}/withdraw"): {ENT, OP},
    ("POST", "/scenarios"): PUB,
    ("GET", "/scenarios"): EVERYONE,
    ("GET", "/scenarios/{scenario_id}"): EVERYONE,
    ("PUT", "/scenarios/{scenario_id}"): PUB,
    ("POST", "/scenarios/{scenario_id}/withdraw"): PUB | {OP},
    ("POST", "/batches"): {OP},
    ("GET", "/batches"): EVERYONE,
    ("GET", "/batches/{batch_id}"): EVERYONE,
    ("POST", "/scenarios/{scenario_id}/proposals"): {ENT},
    ("GET", "/scenarios/{scenario_id}/proposals"): EVERYONE,
    ("GET", "/proposals/{proposal_id}"): EVERYONE,
    ("PUT", "/proposals/{proposal_id}"): {ENT},
    ("POST", "/proposals/{proposal_id}/withdraw"): {ENT},
    ("GET", "/proposals/{proposal_id}/result"): EVERYONE,
    ("POST", "/scenarios/{scenario_id}/awards"): PUB,
    ("POST", "/scenarios/{scenario_id}/results"): PUB,
    ("POST", "/scenarios/{scenario_id}/complete"): PUB,
    ("PUT", "/proposals/{proposal_id}/milestones"): PUB,
    ("POST", "/proposals/{proposal_id}/milestones/{index}/report"): {ENT},
    ("POST", "/proposals/{proposal_id}/milestones/{index}/accept"): PUB,
    ("PUT", "/scenarios/{scenario_id}/panel"): PUB,
    ("GET", "/scenarios/{scenario_id}/panel"): EVERYONE,
    ("POST", "/scenarios/{scenario_id}/conflicts"): EVERYONE,
    ("POST", "/scenarios/{scenario_id}/scores"): EVERYONE,
    ("POST", "/scenarios/{scenario_id}/panel/close"): PUB | {OP},
    ("GET", "/scenarios/{scenario_id}/ranking"): EVERYONE,
    ("GET", "/pushes"): {ENT},
    ("GET", "/mutes"): {ENT},
    ("PUT", "/mutes/{domain}"): {ENT},
    ("DELETE", "/mutes/{domain}"): {ENT},
}
PUBLIC_ROUTES = {("GET", "/results")}


def concrete(path: str) -> str:
    return re.sub(r"\{index\}", "0", re.sub(r"\{(?!index)[^}]+\}", "nope", path))


def test_every_route_is_in_the_matrix_and_declares_its_callers(sc: SC) -> None:
    assert undeclared_routes(sc.app) == []
    routes = {(m, p) for p, methods, _ in api_routes(sc.app) for m in methods
              if p not in DEFAULT_PUBLIC_PATHS}  # fmt: skip
    assert routes == set(MATRIX) | PUBLIC_ROUTES


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("org_type", list(OrgType))
async def test_org_types_get_exactly_what_the_matrix_allows(
    sc: SC, org_type: OrgType, role: Role
) -> None:
    caller = make_caller(org_type, role=role)
    wrong = []
    for (method, path), allowed in MATRIX.items():
        answer = await sc.call(caller, method, concrete(path))
        refused = answer.status_code == 403
        if refused != (org_type not in allowed) or answer.status_code in (401, 500):
            wrong.append(f"{method} {path}: {answer.status_code}")
        if refused:
            assert code_of(answer.json()) == "org_type_not_allowed"
    assert wrong == []


async def test_every_route_refuses_missing_and_broken_tokens(sc: SC) -> None:
    tokens = sc.mint.bad_tokens(sc.operator)
    for method, path in MATRIX:
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = await sc.client.request(method, concrete(path), headers=headers)
            assert answer.status_code == 401, f"{method} {path} with {name}"
    assert (await sc.client.get("/results")).status_code == 200


async def test_owners_act_and_others_are_refused(sc: SC) -> None:
    gov, gov2 = publisher(), publisher()
    ent, ent2 = make_caller(ENT), make_caller(ENT)
    cap = await sc.ok(ent, "POST", "/capabilities", capability_body())
    draft = await sc.ok(gov, "POST", "/scenarios", scenario_body())
    s = await sc.published(gov)
    sid = s["id"]
    p = await sc.ok(ent, "POST", f"/scenarios/{sid}/proposals", proposal_body())
    e1, outsider = expert(), expert()
    panel = {"experts": [{"user_id": e1.user_id, "org_id": e1.organisation_id}]}
    refused = [
        (ent2, "PUT", f"/capabilities/{cap['id']}", capability_body()),
        (ent2, "POST", f"/capabilities/{cap['id']}/withdraw", None),
        (gov2, "PUT", f"/scenarios/{draft['id']}", scenario_body()),
        (gov2, "POST", f"/scenarios/{sid}/withdraw", None),
        (gov2, "PUT", f"/scenarios/{sid}/panel", panel),
        (ent2, "PUT", f"/proposals/{p['id']}", proposal_body()),
        (ent2, "POST", f"/proposals/{p['id']}/withdraw", None),
        (ent2, "GET", f"/scenarios/{sid}/proposals", None),
    ]
    for caller, method, path, body in refused:
        answer = await sc.call(caller, method, path, body)
        assert answer.status_code in (403, 404), f"{method} {path}: {answer.status_code}"
    # others' drafts and proposals are not even visible
    assert (await sc.call(gov2, "GET", f"/scenarios/{draft['id']}")).status_code == 404
    assert (await sc.call(ent2, "GET", f"/proposals/{p['id']}")).status_code == 404
    await sc.ok(gov, "PUT", f"/scenarios/{sid}/panel", panel)
    sc.past_deadline()
    body = {"proposal_id": p["id"], "scores": {"tech": 5, "team": 5, "price": 5, "cases": 5}}
    stranger = await sc.call(outsider, "POST", f"/scenarios/{sid}/scores", body)
    assert stranger.status_code == 403 and code_of(stranger.json()) == "not_on_panel"
    closing = await sc.call(gov2, "POST", f"/scenarios/{sid}/panel/close")
    assert closing.status_code == 403
    assert (await sc.call(outsider, "GET", f"/scenarios/{sid}/panel")).status_code == 404
    # the panel's expert reads proposals after the deadline
    assert (await sc.call(e1, "GET", f"/proposals/{p['id']}")).status_code == 200
