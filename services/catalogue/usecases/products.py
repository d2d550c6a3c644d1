"""Listed products: readable by every signed-in organisation while listed; the owner and
the operator also see them after delisting or expiry. The owner or the operator delists
with a reason; the sweeper expires listings past their date."""

from __future__ import annotations

from typing import Any

from services.catalogue import events
from services.catalogue.domain import products as domain
from services.catalogue.domain.products import Product
from services.catalogue.storage import queries
from services.catalogue.usecases import Deps, not_found
from shared.auth import Caller
from shared.store import Versioned

PRODUCT = not_found("product_id", "清单产品 / product")


async def get(deps: Deps, caller: Caller, product_id: str) -> Product:
    p = (await deps.repos.products.require(product_id, PRODUCT)).state
    if not domain.is_listed(p, deps.now()) and not (
        caller.is_operator or caller.owns(p.owner_org_id)
    ):
        raise PRODUCT()
    return p


async def listing(
    deps: Deps, caller: Caller, domain_code: str | None, owner: str | None, mine: bool,
    limit: int, offset: int,
) -> tuple[list[Product], int]:  # fmt: skip
    """Listed products; with ``mine`` the caller's own in every state (delisted, expired)."""
    if mine:
        query = queries.where(owner_org_id=caller.organisation_id, spec__domains=domain_code)
    else:
        query = queries.listed_filter(deps.now(), domain_code, owner)
    sort = [("listed_at", -1), ("_id", 1)]
    return await queries.page(deps.repos.products, query, limit, offset, sort)


async def delist(deps: Deps, caller: Caller, product_id: str, reason: str) -> Product:
    p = await get(deps, caller, product_id)
    if not caller.is_operator and not caller.owns(p.owner_org_id):
        raise PRODUCT()

    def apply(cur: Versioned[Product]) -> tuple[Product, list[Any]]:
        t = domain.withdraw(cur.state, "delist", reason, deps.now())
        return t.entity, events.product_events(t.entity, t.events)

    return (await deps.repos.products.update(product_id, apply, not_found=PRODUCT)).state


async def expire_due(deps: Deps) -> int:
    """Withdraw every listing past its date (a loser of a race finds it expired already)."""
    done = 0
    for found in await queries.listings_due(deps.repos.products, deps.now()):

        def apply(cur: Versioned[Product]) -> tuple[Product, list[Any]]:
            if (
                cur.state.state is not domain.ProductState.listed
                or cur.state.expires_at > deps.now()
            ):
                return cur.state, []
            t = domain.withdraw(cur.state, "expire", "有效期届满 / listing expired", deps.now())
            return t.entity, events.product_events(t.entity, t.events)

        after = await deps.repos.products.update(found.state.id, apply, not_found=PRODUCT)
        done += after.state.state is domain.ProductState.expired and after.version > found.version
    return done
