"""Ownership, as organisation B trying organisation A's records by id (issue 17): for each
market's record, every operation naming it is called by an admin of every other
organisation type (and of another organisation of A's own type), with B's own
organisation id wherever a path names an organisation. Nothing may answer 2xx except
reading a record that is visible to all and a counterpart's own action on it; nothing
may change A's record; a draft is in nobody else's list; and what a stranger reads
carries no contact details."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from shared.auth import Caller, OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.probes import minimal_body, operations, url
from tests.integration.audit.recipes import CONTACT, RECIPES, Recipe
from tests.support.auth import make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ORG_PARAMS = {"organisation_id", "org_id", "investor_org_id", "counterpart_org_id",
              "enterprise_id"}  # fmt: skip
DRAFT_STATES = {"draft"}
SECRETS = (CONTACT["phone"], CONTACT["email"], "secret", "password")


def _id_of(created: dict[str, Any]) -> str:
    return created.get("id") or created["endpoint"]["id"]


async def _owner_view(svc: Service, owner: Caller, recipe: Recipe, ops: list, rid: str) -> Any:
    path = recipe.path.replace("{org}", owner.organisation_id)
    by_id = f"{recipe.path}/{{{recipe.param}}}"
    if any(op.method == "GET" and op.path.endswith(by_id.split("}", 1)[-1]) and
           op.path.endswith("{" + recipe.param + "}") for op in ops):  # fmt: skip
        return await svc.ok(owner, "GET", f"{path}/{rid}")
    page = await svc.ok(owner, "GET", path)
    return [i for i in page["items"] if i["id"] == rid]


def _strangers() -> list[Caller]:
    """An admin of a fresh organisation of every type but operator (A's own type too)."""
    return [make_caller(t) for t in OrgType if t is not OrgType.operator]


async def stranger_faults(
    svc: Service,
    param: str,
    rid: str,
    strangers: list[Caller],
    *,
    visible: bool,
    counterpart_actions: set[str] = frozenset(),  # type: ignore[assignment]
    body: dict[str, Any] | None = None,
) -> tuple[list[str], bool]:
    """Every operation naming ``{param}`` called on ``rid`` by each stranger (with their own
    organisation id wherever a path names one): the faults, and whether a counterpart's
    legitimate action went through."""
    doc = svc.app.openapi()
    faults: list[str] = []
    acted = False
    for stranger in strangers:
        mine = {p: stranger.organisation_id for p in ORG_PARAMS if p != param}
        for op in [op for op in operations(doc) if "{" + param + "}" in op.path]:
            target = url(doc, op, **{param: rid}, **mine)
            sent = body if body and op.method in ("PUT", "PATCH") else minimal_body(doc, op.body)
            r = await svc.call(stranger, op.method, target,
                               None if op.method in ("GET", "DELETE") else sent)  # fmt: skip
            if os.environ.get("AUDIT_DEBUG"):
                print("DBG", stranger.org_type.value, op, r.status_code, r.text[:80])
            if r.status_code >= 500 or (
                r.status_code < 300
                and (not visible or (op.method != "GET" and str(op) not in counterpart_actions))
            ):
                faults.append(f"{stranger.org_type} {op}: {r.status_code} {r.text[:160]}")
            elif r.status_code < 300 and op.method != "GET":
                acted = True
            elif r.status_code < 300 and (leak := [s for s in SECRETS if s in r.text]):
                faults.append(f"{stranger.org_type} {op}: shows {leak}: {r.text[:160]}")
    return faults, acted


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: f"{r.service}{r.path}")
async def test_a_stranger_cannot_touch_another_organisations_record(
    services: dict[str, Service], recipe: Recipe
) -> None:
    svc = services[recipe.service]
    ops = [op for op in operations(svc.app.openapi()) if "{" + recipe.param + "}" in op.path]
    owner = make_caller(recipe.owner)
    created = await svc.ok(owner, "POST", recipe.path.replace("{org}", owner.organisation_id),
                           recipe.body)  # fmt: skip
    rid = _id_of(created)
    before = await _owner_view(svc, owner, recipe, ops, rid)
    state = before.get("status") or before.get("state") if isinstance(before, dict) else None
    draft = state in DRAFT_STATES
    faults, acted = await stranger_faults(
        svc, recipe.param, rid, _strangers(), visible=not draft,
        counterpart_actions=recipe.counterpart_actions, body=recipe.body,
    )  # fmt: skip
    if not acted:
        after = await _owner_view(svc, owner, recipe, ops, rid)
        if json.dumps(after, sort_keys=True) != json.dumps(before, sort_keys=True):
            faults.append(f"changed by strangers: {before} -> {after}")
    if draft:  # nobody else lists a draft, neither in the list nor filtered by its owner
        for stranger in _strangers():
            for params in ({}, {"owner": owner.organisation_id}):
                r = await svc.call(stranger, "GET", recipe.path, params=params)
                if r.status_code == 200 and rid in r.text:
                    faults.append(f"{stranger.org_type} lists the draft: {params}")
    assert not faults, f"state {state!r}; {len(faults)} faults:\n" + "\n".join(faults)
