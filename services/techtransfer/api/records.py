"""Shapes shared by the offer and need routers: the public view of a record and filters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from services.techtransfer.domain.records import (
    CooperationMode,
    NeedContent,
    OfferContent,
    Record,
    RecordState,
)
from services.techtransfer.usecases.records import Filters


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
