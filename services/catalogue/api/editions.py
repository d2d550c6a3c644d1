"""Dated catalogue editions: the operator opens, fills, freezes and publishes them;
published editions and their diffs are readable by every signed-in organisation."""

from __future__ import annotations

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from services.catalogue.api import AnySignedIn, DepsDep, Operator, Reason, operation_id
from services.catalogue.domain.editions import Diff, Edition, EditionIn
from services.catalogue.usecases import editions as uc
from shared.limits import Code, Moment
from shared.paging import Page, Paging

router = APIRouter(prefix="/editions", tags=["editions"], generate_unique_id_function=operation_id)


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: Code  # type: ignore[valid-type]
    expires_at: Moment | None = None  # type: ignore[valid-type]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Open an edition (operator)")
async def open_edition(body: EditionIn, caller: Operator, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    return await uc.open_edition(deps, body)


@router.get("", summary="List editions (published; the operator sees all)")
async def list_editions(caller: AnySignedIn, deps: DepsDep, paging: Paging) -> Page[Edition]:  # type: ignore[valid-type]
    items, total = await uc.listing(deps, caller, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/current", summary="The edition in force")
async def current(caller: AnySignedIn, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    found = await uc.in_force(deps)
    if found is None:
        raise uc.EDITION()
    return found


@router.get("/{edition_id}", summary="Read an edition")
async def get(edition_id: str, caller: AnySignedIn, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    return await uc.get(deps, caller, edition_id)


@router.get(
    "/{edition_id}/diff", summary="Added, changed and removed entries against another edition"
)
async def diff(
    edition_id: str,
    caller: AnySignedIn,
    deps: DepsDep,  # type: ignore[valid-type]
    against: str | None = Query(
        None, max_length=32, description="default: the edition it was based on"
    ),
) -> Diff:
    return await uc.diff(deps, caller, edition_id, against)


@router.post("/{edition_id}/entries", summary="Add an approved application (operator)")
async def add_entry(edition_id: str, body: EntryIn, caller: Operator, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    return await uc.add_entry(deps, edition_id, body.application_id, body.expires_at)


@router.post(
    "/{edition_id}/entries/{product_id}/remove", summary="Leave an entry out, with a reason"
)
async def remove_entry(
    edition_id: str, product_id: str, body: Reason, caller: Operator, deps: DepsDep
) -> Edition:  # type: ignore[valid-type]
    return await uc.remove_entry(deps, edition_id, product_id, body.reason)


@router.post("/{edition_id}/freeze", summary="Freeze the entries (operator)")
async def freeze(edition_id: str, caller: Operator, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    return await uc.freeze(deps, edition_id)


@router.post(
    "/{edition_id}/publish", summary="Publish: list its entries, delist what it leaves out"
)
async def publish(edition_id: str, caller: Operator, deps: DepsDep) -> Edition:  # type: ignore[valid-type]
    return await uc.publish(deps, edition_id)
