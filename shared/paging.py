"""One pagination convention for every list endpoint: ``?limit=&offset=`` in, and
``{items, total, limit, offset}`` out. Both parameters are bounded, so a huge value is a
422 naming the parameter, never a driver overflow (a 500)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

T = TypeVar("T")
MAX_LIMIT = 100
MAX_OFFSET = 10_000


class PageParams(BaseModel):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """A page of a list: the items, how many there are in all, and where this page is."""

    items: list[T]
    total: int = Field(description="items in the whole list")
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], total: int, params: PageParams) -> Page[T]:
        return cls(items=items, total=total, limit=params.limit, offset=params.offset)

    @classmethod
    def slice(cls, items: list[T], params: PageParams) -> Page[T]:
        """A page cut from a whole list already in memory."""
        window = items[params.offset : params.offset + params.limit]
        return cls(items=window, total=len(items), limit=params.limit, offset=params.offset)
