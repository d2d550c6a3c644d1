"""Special docking (专项对接): the SOE that owns a need proposes it to a listed product's
supplier; the supplier accepts a meeting or declines; the SOE reports the outcome. Only the
two parties and the operator see a docking (others get 404). A purchase of a
first-of-a-kind product makes the 首购/首台套 record if it is the product's first."""

from __future__ import annotations

from typing import Any

from services.catalogue import events
from services.catalogue.domain import dockings as domain
from services.catalogue.domain import products as product_domain
from services.catalogue.domain.dockings import (
    AcceptIn,
    Docking,
    DockingIn,
    FirstPurchase,
    OutcomeIn,
)
from services.catalogue.domain.needs import ensure_open
from services.catalogue.storage import queries
from services.catalogue.usecases import Deps, not_found
from services.catalogue.usecases import needs as need_uc
from shared.auth import Caller
from shared.errors import ConflictError
from shared.store import Conflict, Versioned

DOCKING = not_found("docking_id", "专项对接 / docking")


async def propose(deps: Deps, caller: Caller, need_id: str, body: DockingIn) -> Docking:
    need = await need_uc.owned(deps, caller, need_id)
    ensure_open(need, deps.now())
    found = await deps.repos.products.get(body.product_id)
    if found is None or not product_domain.is_listed(found.state, deps.now()):
        raise ConflictError(
            "product_id",
            "product_not_listed",
            zh="该产品不在现行清单中",
            en="the product is not listed",
        )
    p, now = found.state, deps.now()
    d = Docking(
        id=domain.docking_id(need.id, p.id),
        need_id=need.id,
        need_title=need.spec.title,
        product_id=p.id,
        product_title=p.spec.title,
        first_of_kind=p.spec.first_of_kind,
        soe_org_id=need.owner_org_id,
        supplier_org_id=p.owner_org_id,
        message=body.message,
        created_at=now,
        updated_at=now,
    )
    t = domain.propose(d)
    try:
        saved = await deps.repos.dockings.create(
            d.id, t.entity, events.docking_events(t.entity, t.events)
        )
    except Conflict:
        raise ConflictError(
            "product_id",
            "already_docking",
            zh="已就该需求与该产品发起过对接",
            en="a docking of this need with this product exists already",
        ) from None
    return saved.state


async def get(deps: Deps, caller: Caller, docking_id: str) -> Docking:
    d = (await deps.repos.dockings.require(docking_id, DOCKING)).state
    if not (caller.is_operator or caller.owns(d.soe_org_id) or caller.owns(d.supplier_org_id)):
        raise DOCKING()
    return d


async def _act(deps: Deps, caller: Caller, docking_id: str, party: str, decide: Any) -> Docking:
    d = await get(deps, caller, docking_id)
    if not caller.owns(getattr(d, party)):
        raise DOCKING()

    def apply(cur: Versioned[Docking]) -> tuple[Docking, list[Any]]:
        t = decide(cur.state)
        return t.entity, events.docking_events(t.entity, t.events)

    return (await deps.repos.dockings.update(docking_id, apply, not_found=DOCKING)).state


async def accept(deps: Deps, caller: Caller, docking_id: str, body: AcceptIn) -> Docking:
    decide = lambda d: domain.accept(d, body, deps.now())  # noqa: E731
    return await _act(deps, caller, docking_id, "supplier_org_id", decide)


async def decline(deps: Deps, caller: Caller, docking_id: str, reason: str) -> Docking:
    decide = lambda d: domain.move(d, "decline", deps.now(), reason=reason)  # noqa: E731
    return await _act(deps, caller, docking_id, "supplier_org_id", decide)


async def outcome(deps: Deps, caller: Caller, docking_id: str, body: OutcomeIn) -> Docking:
    d = await _act(
        deps, caller, docking_id, "soe_org_id", lambda d: domain.outcome(d, body, deps.now())
    )
    await record_first_purchase(deps, d)
    return d


async def record_first_purchase(deps: Deps, d: Docking) -> FirstPurchase | None:
    """The unique create of ``first:<product>`` decides which purchase is the first."""
    record = domain.first_purchase(d)
    if record is None:
        return None
    try:
        saved = await deps.repos.first_purchases.create(
            record.id, record, events.first_purchase_events(record)
        )
    except Conflict:
        return None  # an earlier purchase is the product's first
    return saved.state


async def listing(
    deps: Deps, caller: Caller, need_id: str | None, limit: int, offset: int
) -> tuple[list[Docking], int]:
    query: dict[str, Any] = queries.where(need_id=need_id)
    if not caller.is_operator:
        query |= queries.either("soe_org_id", "supplier_org_id", caller.organisation_id)
    return await queries.page(
        deps.repos.dockings, query, limit, offset, [("created_at", -1), ("_id", 1)]
    )


async def first_purchases(deps: Deps, limit: int, offset: int) -> tuple[list[FirstPurchase], int]:
    return await queries.page(
        deps.repos.first_purchases, {}, limit, offset, [("purchased_at", -1), ("_id", 1)]
    )


async def heal_first_purchases(deps: Deps) -> int:
    """Purchases of first-of-a-kind products whose record is missing (the outcome was
    saved, then the process died): the earliest purchase of each product gets it."""
    made = 0
    for d in await queries.purchases_of_first_of_kind(deps.repos.dockings):
        if await deps.repos.first_purchases.get(domain.first_purchase_id(d.product_id)) is None:
            made += await record_first_purchase(deps, d) is not None
    return made
