"""An enterprise's scenario pushes and its muted domains."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from services.scenarios.api import DepsDep, Enterprise, operation_id
from services.scenarios.domain.pushes import Mutes, Push
from services.scenarios.usecases import pushes as uc
from shared.errors import InvalidInput
from shared.events.contracts._market import DOMAINS
from shared.paging import Page, Paging

router = APIRouter(tags=["pushes"], generate_unique_id_function=operation_id)
DomainPath = Annotated[str, Path(max_length=40)]


def _known(domain: str) -> str:
    if domain not in DOMAINS:
        raise InvalidInput("domain", "unknown_domain", zh="未知领域代码", en="unknown domain code")
    return domain


@router.get("/pushes", summary="Scenarios pushed to my enterprise")
async def list_pushes(caller: Enterprise, deps: DepsDep, paging: Paging) -> Page[Push]:  # type: ignore[valid-type]
    items, total = await uc.pushes(deps, caller, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/mutes", summary="My muted domains")
async def get_mutes(caller: Enterprise, deps: DepsDep) -> Mutes:  # type: ignore[valid-type]
    return await uc.mutes(deps, caller)


@router.put("/mutes/{domain}", summary="Mute a domain's pushes")
async def mute(domain: DomainPath, caller: Enterprise, deps: DepsDep) -> Mutes:  # type: ignore[valid-type]
    return await uc.set_mute(deps, caller, _known(domain), True)


@router.delete("/mutes/{domain}", summary="Unmute a domain")
async def unmute(domain: DomainPath, caller: Enterprise, deps: DepsDep) -> Mutes:  # type: ignore[valid-type]
    return await uc.set_mute(deps, caller, _known(domain), False)
