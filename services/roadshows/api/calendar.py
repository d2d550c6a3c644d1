"""The monthly calendar of domain roadshows and the compliance view (policy 10(3))."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime, BaseModel

from services.roadshows.api import AnySignedIn, DepsDep, Operator, Reason, Watchers, operation_id
from services.roadshows.domain.calendar import ComplianceCell, Roadshow, RoadshowIn, month_of
from services.roadshows.domain.records import DOMAIN_PATTERN
from services.roadshows.usecases import calendar as uc
from shared.paging import Page, Paging

router = APIRouter(tags=["roadshows"], generate_unique_id_function=operation_id)


class ComplianceView(BaseModel):
    """The compliance cells (month x domain) as judged at ``as_of``."""

    as_of: dt.datetime
    items: list[ComplianceCell]


MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"  # years 1900-2199: a calendar, not year 0
Month = Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM (Beijing time)")]
Domain = Annotated[str | None, Query(pattern=DOMAIN_PATTERN, max_length=40)]


@router.post("/roadshows", status_code=status.HTTP_201_CREATED, summary="Schedule a roadshow")
async def schedule_roadshow(body: RoadshowIn, caller: Operator, deps: DepsDep) -> Roadshow:
    return await uc.schedule(deps, caller, body)


@router.get("/roadshows", summary="The calendar of a month")
async def calendar(
    caller: AnySignedIn,
    deps: DepsDep,
    paging: Paging,
    month: Month = None,
    domain: Domain = None,
) -> Page[Roadshow]:
    """Roadshows of ``month`` (default: this month), optionally of one domain, by date."""
    chosen = month or month_of(deps.now())
    items, total = await uc.month(deps, chosen, domain, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/roadshows/{roadshow_id}", summary="Read a roadshow")
async def get_roadshow(roadshow_id: str, caller: AnySignedIn, deps: DepsDep) -> Roadshow:
    return await uc.get(deps, roadshow_id)


@router.post("/roadshows/{roadshow_id}/cancel", summary="Cancel a roadshow")
async def cancel_roadshow(
    roadshow_id: str, body: Reason, caller: Operator, deps: DepsDep
) -> Roadshow:
    return await uc.cancel(deps, roadshow_id, body.reason)


@router.post("/roadshows/{roadshow_id}/close", summary="Record that it took place")
async def close_roadshow(roadshow_id: str, caller: Operator, deps: DepsDep) -> Roadshow:
    """After the end: seats held and not checked in become no-shows."""
    return await uc.close(deps, roadshow_id)


@router.get("/compliance", summary="Roadshows held per month and domain")
async def compliance(
    caller: Watchers,
    deps: DepsDep,
    month: Month = None,
    months: Annotated[int, Query(ge=1, le=12, description="how many months from month")] = 1,
    domain: Domain = None,
    as_of: Annotated[AwareDatetime | None, Query(description="judge as of (preview)")] = None,
) -> ComplianceView:
    """Per month x domain: met / scheduled / at_risk (none scheduled with 7 days or fewer
    left: about to be missed) / missed / open; ``as_of`` previews a later day."""
    when = as_of or deps.now()
    cells = await uc.compliance(deps, month or month_of(deps.now()), months, domain, when)
    return ComplianceView(as_of=when, items=cells)
