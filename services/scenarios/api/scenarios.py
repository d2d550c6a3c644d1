"""Scenarios, the operator's batches of the city opportunity list, the public results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from services.scenarios.api import (
    AnySignedIn,
    DepsDep,
    Operator,
    Publisher,
    PublisherOrOp,
    operation_id,
)
from services.scenarios.domain.scenarios import Batch, BatchIn, Scenario, ScenarioIn
from services.scenarios.usecases import scenarios as uc
from shared.auth import PUBLIC, VERIFIED
from shared.paging import Page, Paging

router = APIRouter(tags=["scenarios"], generate_unique_id_function=operation_id)
CodeQuery = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_-]+$")]


@router.post(
    "/scenarios",
    status_code=status.HTTP_201_CREATED,
    summary="Post a scenario",
    dependencies=[VERIFIED],
)
async def submit_scenario(body: ScenarioIn, caller: Publisher, deps: DepsDep) -> Scenario:  # type: ignore[valid-type]
    """A district, department or SOE posts it; it waits for the operator's next batch."""
    return await uc.submit(deps, caller, body)


@router.get("/scenarios", summary="Browse scenarios by batch and domain")
async def list_scenarios(
    caller: AnySignedIn,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    batch: CodeQuery = None,
    domain: CodeQuery = None,
) -> Page[Scenario]:
    items, total = await uc.listing(deps, caller, batch, domain, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/scenarios/{scenario_id}", summary="Read a scenario")
async def get_scenario(scenario_id: str, caller: AnySignedIn, deps: DepsDep) -> Scenario:  # type: ignore[valid-type]
    return await uc.get(deps, caller, scenario_id)


@router.put("/scenarios/{scenario_id}", summary="Edit a scenario before it is published")
async def update_scenario(
    scenario_id: str, body: ScenarioIn, caller: Publisher, deps: DepsDep
) -> Scenario:  # type: ignore[valid-type]
    return await uc.change(deps, caller, scenario_id, "update", body)


@router.post("/scenarios/{scenario_id}/withdraw", summary="Withdraw a scenario")
async def withdraw_scenario(scenario_id: str, caller: PublisherOrOp, deps: DepsDep) -> Scenario:  # type: ignore[valid-type]
    return await uc.change(deps, caller, scenario_id, "withdraw")


@router.post("/batches", status_code=status.HTTP_201_CREATED, summary="Publish a batch")
async def publish_batch(body: BatchIn, caller: Operator, deps: DepsDep) -> Batch:  # type: ignore[valid-type]
    """Batch N of the year's city opportunity list (城市机会清单); each scenario is published
    (and pushed to capable enterprises through matching)."""
    return await uc.publish_batch(deps, body)


@router.get("/batches", summary="List batches")
async def list_batches(caller: AnySignedIn, deps: DepsDep, paging: Paging) -> Page[Batch]:  # type: ignore[valid-type]
    items, total = await uc.batches(deps, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/batches/{batch_id}", summary="Read a batch")
async def get_batch(batch_id: str, caller: AnySignedIn, deps: DepsDep) -> Batch:  # type: ignore[valid-type]
    return await uc.batch(deps, batch_id)


class ResultRow(BaseModel):
    scenario_id: str
    title: str
    domain: str
    batch_id: str | None
    publisher_org_id: str
    awarded_org_ids: list[str]
    state: str


@router.get("/results", summary="Public results page", dependencies=[PUBLIC])
async def results(deps: DepsDep, paging: Paging) -> Page[ResultRow]:
    """Awarded and built scenarios with the enterprises awarded (anyone, no sign-in)."""
    items, total = await uc.results(deps, paging.limit, paging.offset)
    rows = [
        ResultRow(
            scenario_id=s.id,
            title=s.content.title,
            domain=s.content.domain,
            batch_id=s.batch_id,
            publisher_org_id=s.publisher_org_id,
            awarded_org_ids=s.awarded_org_ids,
            state=s.state.value,
        )
        for s in items
    ]
    return Page.of(rows, total, paging)
