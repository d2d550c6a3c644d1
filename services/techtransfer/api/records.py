"""Shapes shared by the offer and need routers: the public view of a record and filters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from services.techtransfer.domain.records import (
    MAX_DOMAINS,
    MAX_KEYWORDS,
    CooperationMode,
    Description,
    DomainCode,
    NeedContent,
    OfferContent,
    Record,
    RecordState,
)
from services.techtransfer.usecases.records import Filters
from shared.limits import Keyword, Moment, Title


class RecordUpdate(BaseModel):
    """Fields to change common to offers and needs (owner only); each kind adds its own."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    domains: Annotated[list[DomainCode], Field(max_length=MAX_DOMAINS)] | None = None
    keywords: Annotated[list[Keyword], Field(max_length=MAX_KEYWORDS)] | None = None
    cooperation_modes: Annotated[list[CooperationMode], Field(max_length=4)] | None = None
    deadline: Moment | None = None  # type: ignore[valid-type]


class RecordPublic(BaseModel):
    """A record as callers see it."""

    id: str
    kind: str
    owner_org_id: str
    owner_kind: str
    state: RecordState
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def common(record: Record) -> dict[str, Any]:
        return {
            "id": record.id,
            "kind": record.kind,
            "owner_org_id": record.owner.org_id,
            "owner_kind": record.owner.kind.value,
            "state": record.state,
            "version": record.version,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }


class TechOfferPublic(RecordPublic):
    content: OfferContent


class TechNeedPublic(RecordPublic):
    content: NeedContent


def offer_public(record: Record) -> TechOfferPublic:
    assert isinstance(record.content, OfferContent)
    return TechOfferPublic(**RecordPublic.common(record), content=record.content)


def need_public(record: Record) -> TechNeedPublic:
    assert isinstance(record.content, NeedContent)
    return TechNeedPublic(**RecordPublic.common(record), content=record.content)


def record_filters(
    domain: Annotated[str | None, Query(max_length=40, description="domain code, e.g. ai")] = None,
    trl_min: Annotated[int | None, Query(ge=1, le=9, description="lowest TRL")] = None,
    trl_max: Annotated[int | None, Query(ge=1, le=9, description="highest TRL")] = None,
    mode: Annotated[CooperationMode | None, Query(description="cooperation mode")] = None,
    status: Annotated[RecordState | None, Query(description="lifecycle state")] = None,
    owner: Annotated[str | None, Query(max_length=64, description="owner organisation id")] = None,
) -> Filters:
    from services.techtransfer.domain.errors import Invalid

    if trl_min is not None and trl_max is not None and trl_min > trl_max:
        raise Invalid(
            "trl_min",
            f"trl_min {trl_min} is greater than trl_max {trl_max}",
            zh=f"最低技术成熟度 {trl_min} 高于最高技术成熟度 {trl_max}",
        )
    return Filters(
        domain=domain,
        trl_min=trl_min,
        trl_max=trl_max,
        mode=mode.value if mode else None,
        status=status,
        owner=owner,
    )


class CreateOptions(BaseModel):
    publish: bool = Field(False, description="publish at once instead of keeping a draft")
