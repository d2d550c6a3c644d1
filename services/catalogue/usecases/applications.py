"""Listing applications: the owner drafts, edits and submits; the operator reviews. Other
organisations never see an application (404, not 403: its existence is the owner's)."""

from __future__ import annotations

from typing import Any

from services.catalogue import events
from services.catalogue.domain import applications as domain
from services.catalogue.domain.applications import Application, ProductSpec
from services.catalogue.domain.common import FieldReason
from services.catalogue.storage import queries
from services.catalogue.usecases import Deps, new_id, not_found
from shared.auth import Caller
from shared.store import Versioned

APPLICATION = not_found("application_id", "申报 / application")
PRODUCT = not_found("product_id", "清单产品 / product")


async def create(
    deps: Deps, caller: Caller, spec: ProductSpec, product_id: str | None
) -> Application:
    """A draft; with ``product_id`` it updates (or relists) the caller's own product."""
    app_id = new_id("app")
    if product_id is not None:
        found = await deps.repos.products.get(product_id)
        if found is None or not caller.owns(found.state.owner_org_id):
            raise PRODUCT()
    pid = product_id or f"prod-{app_id.removeprefix('app-')}"
    t = domain.draft(app_id, caller.organisation_id, pid, spec, deps.now())
    saved = await deps.repos.applications.create(
        app_id, t.entity, events.application_events(t.entity, t.events)
    )
    return saved.state


async def get(deps: Deps, caller: Caller, app_id: str) -> Application:
    a = (await deps.repos.applications.require(app_id, APPLICATION)).state
    if not caller.is_operator and not caller.owns(a.owner_org_id):
        raise APPLICATION()
    return a


async def _owned(deps: Deps, caller: Caller, app_id: str) -> None:
    a = await get(deps, caller, app_id)
    if not caller.owns(a.owner_org_id):
        raise APPLICATION()


def _saving(decide: Any) -> Any:
    def apply(cur: Versioned[Application]) -> tuple[Application, list[Any]]:
        t = decide(cur.state)
        return t.entity, events.application_events(t.entity, t.events)

    return apply


async def edit(deps: Deps, caller: Caller, app_id: str, spec: ProductSpec) -> Application:
    await _owned(deps, caller, app_id)
    apply = _saving(lambda a: domain.edit(a, spec, deps.now()))
    return (await deps.repos.applications.update(app_id, apply, not_found=APPLICATION)).state


async def submit(deps: Deps, caller: Caller, app_id: str) -> Application:
    await _owned(deps, caller, app_id)
    apply = _saving(lambda a: domain.submit(a, deps.now()))
    return (await deps.repos.applications.update(app_id, apply, not_found=APPLICATION)).state


async def review(deps: Deps, app_id: str, decision: str, reasons: list[FieldReason]) -> Application:
    apply = _saving(lambda a: domain.review(a, decision, reasons, deps.now()))
    return (await deps.repos.applications.update(app_id, apply, not_found=APPLICATION)).state


async def listing(
    deps: Deps, caller: Caller, state: str | None, limit: int, offset: int
) -> tuple[list[Application], int]:
    owner = None if caller.is_operator else caller.organisation_id
    query = queries.where(owner_org_id=owner, state=state)
    return await queries.page(
        deps.repos.applications, query, limit, offset, [("updated_at", -1), ("_id", 1)]
    )
