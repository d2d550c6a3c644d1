"""Browse and search published records of any kind (any signed-in caller)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from services.matching.api import DepsDep, operation_id
from services.matching.domain.browse import BrowseQuery
from services.matching.usecases import browse as uc
from services.matching.usecases.browse import MAX_WINDOW
from shared.auth import CurrentCaller

router = APIRouter(tags=["search"], generate_unique_id_function=operation_id)
Codes = Annotated[list[str] | None, Query()]


class Hit(BaseModel):
    record: dict[str, Any] = Field(
        description="the indexed record (owner_org_id, text, attributes)"
    )
    score: float | None
    highlights: dict[str, list[str]] = Field(description="fragments with <em> around matched terms")


class Facet(BaseModel):
    value: str | int | float | bool
    count: int


class SearchPage(BaseModel):
    """The house page shape (``items``, ``total``, ``limit``, ``offset``) plus facets."""

    kind: str
    total: int
    limit: int
    offset: int
    items: list[Hit]
    facets: dict[str, list[Facet]]


@router.get("/search/{kind}", summary="Browse or search one kind")
async def search(
    kind: str,
    caller: CurrentCaller,
    deps: DepsDep,
    q: Annotated[str, Query(max_length=200, description="full text")] = "",
    domains: Codes = None,
    district: Codes = None,
    stage: Codes = None,
    stages: Codes = None,
    cooperation_modes: Codes = None,
    qualifications: Codes = None,
    seniority: Codes = None,
    seniority_range: Codes = None,
    specialisms: Codes = None,
    fund_type: Codes = None,
    trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
    trl_max: Annotated[int | None, Query(ge=1, le=9)] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="items per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_WINDOW, description="items to skip")] = 0,
) -> SearchPage:
    """Any signed-in caller: published records of ``kind`` (tech_offer, tech_need, product,
    procurement_need, capability, scenario, pitch, investor_mandate, agency, talent_demand)
    with highlights and facet counts; filters are facet values (any listed value matches)."""
    filters = {
        name: values
        for name, values in {
            "domains": domains, "district": district, "stage": stage, "stages": stages,
            "cooperation_modes": cooperation_modes, "qualifications": qualifications,
            "seniority": seniority, "seniority_range": seniority_range,
            "specialisms": specialisms, "fund_type": fund_type,
        }.items()
        if values
    }  # fmt: skip
    try:
        query = BrowseQuery(q=q, filters=filters, trl_min=trl_min, trl_max=trl_max)
    except ValidationError as exc:  # the query string's own bounds: a 422 naming the parameter
        raise RequestValidationError(
            [{**e, "loc": ("query", *e["loc"][1 if e["loc"][0] == "filters" else 0 :])}
             for e in exc.errors()]
        ) from None  # fmt: skip
    found = await uc.browse(deps, kind, query, limit=limit, offset=offset)
    return SearchPage.model_validate(found)
