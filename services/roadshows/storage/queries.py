"""List queries over the stores (the only module with Mongo operators)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.store import MongoAggregateStore

M = TypeVar("M", bound=BaseModel)


async def page(
    store: MongoAggregateStore[M], query: dict[str, Any], limit: int, offset: int,
    sort: list[tuple[str, int]] | None = None,
) -> tuple[list[M], int]:  # fmt: skip
    found = await store.find(query, sort=sort or [("_id", 1)], limit=limit, skip=offset)
    return [v.state for v in found], await store.count(query)


async def every(store: MongoAggregateStore[M], query: dict[str, Any]) -> list[M]:
    return [v.state for v in await store.find(query)]


def owned_by(org_id: str) -> dict[str, Any]:
    return {"owner_org_id": org_id}


def published() -> dict[str, Any]:
    return {"state": "published"}


def calendar(months: Iterable[str], domain: str | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"month": {"$in": list(months)}}
    if domain:
        query["domain"] = domain
    return query


def of_roadshow(roadshow_id: str, states: Iterable[str] | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"roadshow_id": roadshow_id}
    if states is not None:
        query["state"] = {"$in": list(states)}
    return query


def of_party(roadshow_id: str, field: str, org_id: str) -> dict[str, Any]:
    return {"roadshow_id": roadshow_id, field: org_id}


def by_ids(ids: Iterable[str]) -> dict[str, Any]:
    return {"_id": {"$in": list(ids)}}


def upcoming(now: Any) -> dict[str, Any]:
    return {"state": "scheduled", "starts_at": {"$gt": now}}


def scored_for(mandate_id: str) -> dict[str, Any]:
    """Pitch score documents that hold a score for ``mandate_id`` (ids are ours: no dots)."""
    return {f"scores.{mandate_id}": {"$exists": True}}


def of_pitch(pitch_id: str, states: Iterable[str]) -> dict[str, Any]:
    return {"pitch_id": pitch_id, "state": {"$in": list(states)}}
