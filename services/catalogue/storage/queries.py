"""Read queries (lists, sweeps): the Mongo filters live here, nowhere above storage/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.store import MongoAggregateStore, Versioned


def where(**fields: Any) -> dict[str, Any]:
    """Equality filters, leaving out the ones not given."""
    return {k.replace("__", "."): v for k, v in fields.items() if v is not None}


def either(a: str, b: str, value: str) -> dict[str, Any]:
    return {"$or": [{a: value}, {b: value}]}


async def page(
    store: MongoAggregateStore[Any],
    query: dict[str, Any],
    limit: int,
    offset: int,
    sort: list[tuple[str, int]] | None = None,
) -> tuple[list[Any], int]:
    found, total = await store.page(query, sort=sort or [("_id", 1)], limit=limit, skip=offset)
    return [v.state for v in found], total


async def every(store: MongoAggregateStore[Any], query: dict[str, Any]) -> list[Any]:
    return [v.state for v in await store.find(query, limit=5000)]


async def listed_ids(store: MongoAggregateStore[Any], now: dt.datetime) -> set[str]:
    found = await store.find({"state": "listed", "expires_at": {"$gt": now}}, limit=100_000)
    return {v.state.id for v in found}


async def listings_due(store: MongoAggregateStore[Any], now: dt.datetime) -> list[Versioned[Any]]:
    return await store.find({"state": "listed", "expires_at": {"$lte": now}}, limit=500)


async def needs_due(store: MongoAggregateStore[Any], now: dt.datetime) -> list[Versioned[Any]]:
    return await store.find({"state": "published", "spec.deadline": {"$lte": now}}, limit=500)


def listed_filter(now: dt.datetime, domain: str | None, owner: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"state": "listed", "expires_at": {"$gt": now}}
    return {**query, **where(spec__domains=domain, owner_org_id=owner)}


async def purchases_of_first_of_kind(store: MongoAggregateStore[Any]) -> list[Any]:
    """Purchased dockings of first-of-a-kind products, earliest first."""
    query = {"state": "purchased", "first_of_kind": True}
    found = await store.find(query, sort=[("updated_at", 1), ("_id", 1)], limit=5000)
    return [v.state for v in found]


def of_event(event_id: str, states: list[str]) -> dict[str, Any]:
    return {"event_id": event_id, "state": {"$in": states}}
