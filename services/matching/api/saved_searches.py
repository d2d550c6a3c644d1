"""A user's saved searches: percolated against every newly published record."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import AfterValidator, BaseModel, Field

from services.matching.api import DepsDep, operation_id
from services.matching.domain.browse import BrowseQuery
from services.matching.usecases import saved_searches as uc
from shared.auth import CurrentCaller
from shared.limits import no_control_chars
from shared.paging import Page, Paging

router = APIRouter(tags=["saved-searches"], generate_unique_id_function=operation_id)


class SavedSearchCreate(BaseModel):
    kind: str = Field(description="record kind to watch", examples=["tech_offer"], max_length=64)
    name: Annotated[str, AfterValidator(no_control_chars)] = Field("", max_length=80)
    query: BrowseQuery


class SavedSearchPublic(BaseModel):
    id: str
    kind: str
    name: str
    query: BrowseQuery
    created_at: dt.datetime

    @classmethod
    def of(cls, doc: dict[str, Any]) -> SavedSearchPublic:
        return cls.model_validate({**doc, "id": doc["_id"]})


@router.post("/saved-searches", status_code=status.HTTP_201_CREATED, summary="Save a search")
async def create(
    body: SavedSearchCreate, caller: CurrentCaller, deps: DepsDep
) -> SavedSearchPublic:
    """Any signed-in user, for themselves: each newly published record of ``kind`` that
    matches sends one ``matching.match.suggested`` event naming the user."""
    return SavedSearchPublic.of(
        await uc.save_search(deps, caller, body.kind, body.name, body.query)
    )


@router.get("/saved-searches", summary="My saved searches")
async def mine(caller: CurrentCaller, deps: DepsDep, paging: Paging) -> Page[SavedSearchPublic]:
    """Any signed-in user: their own saved searches (at most 50), as a page."""
    docs = await deps.repos.saved_searches.of_user(caller.user_id)
    return Page.slice([SavedSearchPublic.of(d) for d in docs], paging)


@router.delete(
    "/saved-searches/{search_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete"
)
async def delete(search_id: str, caller: CurrentCaller, deps: DepsDep) -> None:
    """The user who saved it."""
    await uc.delete_search(deps, caller, search_id)
