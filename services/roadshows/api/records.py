"""Investor mandates and enterprise pitches (with the deck file)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from services.roadshows.api import (
    DepsDep,
    Enterprise,
    EnterpriseOrOp,
    Investor,
    InvestorOrOp,
    Market,
    operation_id,
)
from services.roadshows.domain.records import Mandate, MandateIn, Pitch, PitchIn
from services.roadshows.usecases import applications, fit
from services.roadshows.usecases import records as uc
from services.roadshows.usecases.fit import ScoredMandate, ScoredPitch
from shared.auth import VERIFIED
from shared.errors import TooLarge
from shared.paging import Page, Paging

router = APIRouter(tags=["records"], generate_unique_id_function=operation_id)


@router.post(
    "/mandates",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a mandate",
    dependencies=[VERIFIED],
)
async def publish_mandate(body: MandateIn, caller: Investor, deps: DepsDep) -> Mandate:
    return await uc.publish_mandate(deps, caller, body)


@router.get("/mandates", summary="List mandates")
async def list_mandates(caller: Market, deps: DepsDep, paging: Paging) -> Page[Mandate]:
    """Investors: their own; enterprises: published ones; operators: all."""
    items, total = await uc.mandates(deps, caller, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/mandates/{mandate_id}", summary="Read a mandate")
async def get_mandate(mandate_id: str, caller: Market, deps: DepsDep) -> Mandate:
    return await uc.get_mandate(deps, caller, mandate_id)


@router.put("/mandates/{mandate_id}", summary="Update a mandate")
async def update_mandate(
    mandate_id: str, body: MandateIn, caller: InvestorOrOp, deps: DepsDep
) -> Mandate:
    return await uc.change_mandate(deps, caller, mandate_id, "update", body)


@router.post("/mandates/{mandate_id}/withdraw", summary="Withdraw a mandate")
async def withdraw_mandate(mandate_id: str, caller: InvestorOrOp, deps: DepsDep) -> Mandate:
    return await uc.change_mandate(deps, caller, mandate_id, "withdraw")


@router.post(
    "/pitches",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a pitch",
    dependencies=[VERIFIED],
)
async def publish_pitch(body: PitchIn, caller: Enterprise, deps: DepsDep) -> Pitch:
    """The enterprise's 小升规/规升强 tier (from identity's events) is flagged on it."""
    return await uc.publish_pitch(deps, caller, body)


@router.get("/pitches", summary="List pitches")
async def list_pitches(caller: Market, deps: DepsDep, paging: Paging) -> Page[Pitch]:
    """Enterprises: their own; investors: published ones; operators: all."""
    items, total = await uc.pitches(deps, caller, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/pitches/{pitch_id}", summary="Read a pitch")
async def get_pitch(pitch_id: str, caller: Market, deps: DepsDep) -> Pitch:
    return await uc.get_pitch(deps, caller, pitch_id)


@router.put("/pitches/{pitch_id}", summary="Update a pitch")
async def update_pitch(
    pitch_id: str, body: PitchIn, caller: EnterpriseOrOp, deps: DepsDep
) -> Pitch:
    return await uc.change_pitch(deps, caller, pitch_id, "update", body)


@router.post("/pitches/{pitch_id}/withdraw", summary="Withdraw a pitch")
async def withdraw_pitch(pitch_id: str, caller: EnterpriseOrOp, deps: DepsDep) -> Pitch:
    """Its open applications are withdrawn with it (a selected one frees its slot)."""
    return await applications.withdraw_pitch(deps, caller, pitch_id)


@router.put("/pitches/{pitch_id}/deck", summary="Upload the pitch deck")
async def upload_deck(
    pitch_id: str, request: Request, caller: EnterpriseOrOp, deps: DepsDep
) -> Pitch:
    """The raw file as the body, ``Content-Type`` application/pdf or the .pptx type; at
    most ``deck_max_bytes`` (nothing past the limit is read)."""
    limit = deps.settings.deck_max_bytes
    too_large = TooLarge(
        "deck",
        "deck_too_large",
        zh=f"路演材料不能超过 {limit} 字节",
        en=f"the deck is over {limit} bytes",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large
    kind = request.headers.get("content-type", "")
    return await uc.upload_deck(deps, caller, pitch_id, kind, bytes(body))


@router.get("/pitches/{pitch_id}/deck", summary="Download the pitch deck")
async def download_deck(pitch_id: str, caller: Market, deps: DepsDep) -> Response:
    """Investors and operators, and the pitching enterprise itself."""
    kind, data = await uc.download_deck(deps, caller, pitch_id)
    return Response(content=data, media_type=kind, headers={"Cache-Control": "no-store"})


@router.get("/mandates/{mandate_id}/pitches", summary="Pitches that fit a mandate, ranked")
async def pitches_for(
    mandate_id: str, caller: InvestorOrOp, deps: DepsDep, paging: Paging
) -> Page[ScoredPitch]:
    """The investor's own mandate; ranked by matching's score."""
    return Page.slice(await fit.pitches_for(deps, caller, mandate_id), paging)


@router.get("/pitches/{pitch_id}/funds", summary="Funds that fit a pitch, ranked")
async def funds_for(
    pitch_id: str, caller: EnterpriseOrOp, deps: DepsDep, paging: Paging
) -> Page[ScoredMandate]:
    """The enterprise's own pitch; ranked by matching's score."""
    return Page.slice(await fit.funds_for(deps, caller, pitch_id), paging)
