"""Listed products: the list every signed-in organisation reads; delisting by the owner or
the operator."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.catalogue.api import AnySignedIn, DepsDep, EnterpriseOrOperator, Reason, operation_id
from services.catalogue.domain.products import Product
from services.catalogue.usecases import products as uc
from shared.paging import Page, Paging

router = APIRouter(prefix="/products", tags=["products"], generate_unique_id_function=operation_id)


@router.get("", summary="List listed products (or the caller's own in every state)")
async def list_products(
    caller: AnySignedIn,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    domain: str | None = Query(None, max_length=40, pattern=r"^[a-z0-9_]+$"),
    owner: str | None = Query(None, max_length=64, description="an enterprise's organisation id"),
    mine: bool = Query(False, description="the caller's own products in every state"),
) -> Page[Product]:
    items, total = await uc.listing(deps, caller, domain, owner, mine, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/{product_id}", summary="Read a product (with its listing history)")
async def get(product_id: str, caller: AnySignedIn, deps: DepsDep) -> Product:  # type: ignore[valid-type]
    return await uc.get(deps, caller, product_id)


@router.post("/{product_id}/delist", summary="Delist, with a reason (owner or operator)")
async def delist(
    product_id: str, body: Reason, caller: EnterpriseOrOperator, deps: DepsDep
) -> Product:  # type: ignore[valid-type]
    return await uc.delist(deps, caller, product_id, body.reason)
