"""Read queries (lists, sweeps): the Mongo filters live here, nowhere above storage/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.talent.domain.agencies import Agency
from services.talent.domain.candidates import Candidate
from services.talent.domain.claims import Claim
from services.talent.domain.demands import Demand
from services.talent.domain.fairs import Fair, Registration
from shared.store import MongoAggregateStore, Versioned
from shared.units import CountedUnits


def demand_filter(
    *, owner: str | None, state: str | None, domain: str | None, seniority: str | None
) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if owner:
        query["owner_org_id"] = owner
    if state:
        query["state"] = state
    if domain:
        query["content.domains"] = domain
    if seniority:
        query["content.seniority"] = seniority
    return query


async def page(
    store: MongoAggregateStore[Any],
    query: dict[str, Any],
    limit: int,
    offset: int,
    sort: list[tuple[str, int]] | None = None,
) -> tuple[list[Any], int]:
    found, total = await store.page(query, sort=sort or [("_id", 1)], limit=limit, skip=offset)
    return [v.state for v in found], total


async def demands(
    store: MongoAggregateStore[Demand], query: dict[str, Any], limit: int, offset: int
) -> tuple[list[Demand], int]:
    return await page(store, query, limit, offset, [("created_at", -1), ("_id", 1)])


async def agencies(
    store: MongoAggregateStore[Agency], state: str | None, limit: int, offset: int
) -> tuple[list[Agency], int]:
    return await page(store, {"state": state} if state else {}, limit, offset)


def claims_filter(
    *,
    demand_id: str | None = None,
    agency_id: str | None = None,
    enterprise: str | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for key, value in (
        ("demand_id", demand_id),
        ("agency_id", agency_id),
        ("enterprise_org_id", enterprise),
        ("state", state),
    ):
        if value:
            query[key] = value
    return query


async def claims(
    store: MongoAggregateStore[Claim], query: dict[str, Any], limit: int = 0, offset: int = 0
) -> tuple[list[Claim], int]:
    return await page(store, query, limit, offset, [("claimed_at", 1), ("_id", 1)])


async def claims_due(store: MongoAggregateStore[Claim], now: dt.datetime) -> list[Versioned[Claim]]:
    return await store.find({"state": "active", "expires_at": {"$lte": now}}, limit=500)


async def claims_to_remind(
    store: MongoAggregateStore[Claim], until: dt.datetime
) -> list[Versioned[Claim]]:
    query = {"state": "active", "reminded": False, "expires_at": {"$lte": until}}
    return await store.find(query, limit=500)


async def claims_unfreed(store: MongoAggregateStore[Claim]) -> list[Versioned[Claim]]:
    return await store.find({"state": {"$ne": "active"}, "units_freed": False}, limit=500)


async def claims_holding_units(store: MongoAggregateStore[Claim], agency_id: str) -> int:
    """Claims of the agency whose slots are not given back yet (active, or ending)."""
    return await store.count({"agency_id": agency_id, "units_freed": False})


async def ended_claims(
    store: MongoAggregateStore[Claim], demand_id: str, agency_id: str
) -> list[Claim]:
    """The agency's expired or revoked claims on the demand."""
    query = {
        "demand_id": demand_id,
        "agency_id": agency_id,
        "state": {"$in": ["expired", "revoked"]},
    }
    return [v.state for v in await store.find(query, limit=20)]


async def active_claim(
    store: MongoAggregateStore[Claim], demand_id: str, agency_id: str
) -> Versioned[Claim] | None:
    found = await store.find({"demand_id": demand_id, "agency_id": agency_id, "state": "active"})
    return found[0] if found else None


async def active_claims_of_demand(
    store: MongoAggregateStore[Claim], demand_id: str
) -> list[Versioned[Claim]]:
    return await store.find({"demand_id": demand_id, "state": "active"})


async def active_claims_of_agency(
    store: MongoAggregateStore[Claim], agency_id: str
) -> list[Versioned[Claim]]:
    return await store.find({"agency_id": agency_id, "state": "active"})


async def candidates_for(
    store: MongoAggregateStore[Candidate],
    demand_id: str,
    org_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Candidate], int]:
    """A demand's submissions the organisation may see (None: the enterprise sees all)."""
    query: dict[str, Any] = {"demand_id": demand_id}
    if org_id is not None:
        query["agency_id"] = org_id
    return await page(store, query, limit, offset, [("created_at", 1), ("_id", 1)])


async def guarantees_due(
    store: MongoAggregateStore[Candidate], now: dt.datetime
) -> list[Versioned[Candidate]]:
    query = {"placement.state": "guaranteed", "placement.guarantee_ends_at": {"$lte": now}}
    return await store.find(query, limit=500)


async def placements(
    store: MongoAggregateStore[Candidate],
    state: str | None,
    org_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Candidate], int]:
    query: dict[str, Any] = {"placement.state": state} if state else {"placement": {"$ne": None}}
    if org_id is not None:
        query["$or"] = [{"enterprise_org_id": org_id}, {"agency_id": org_id}]
    return await page(store, query, limit, offset, [("updated_at", 1), ("_id", 1)])


async def demands_past_deadline(
    store: MongoAggregateStore[Demand], now: dt.datetime
) -> list[Versioned[Demand]]:
    return await store.find({"state": "published", "content.deadline": {"$lte": now}}, limit=500)


async def fairs(
    store: MongoAggregateStore[Fair], limit: int, offset: int
) -> tuple[list[Fair], int]:
    return await page(store, {}, limit, offset, [("spec.starts_at", 1), ("_id", 1)])


async def registrations(
    store: MongoAggregateStore[Registration], fair_id: str, limit: int, offset: int
) -> tuple[list[Registration], int]:
    return await page(store, {"fair_id": fair_id, "state": "registered"}, limit, offset)


async def waitlisted(store: MongoAggregateStore[Registration], fair_id: str) -> list[Registration]:
    return [v.state for v in await store.find({"fair_id": fair_id, "state": "waitlisted"})]


async def held_claim_slots(units: CountedUnits) -> list[tuple[str, str, str]]:
    """Every held claim slot as (kind, demand id, agency id), kind ``demand`` or ``agency``.

    Reads ``shared.units``' holder documents (``<resource>#<holder>`` with a ``unit``
    field) directly: the sweeper needs them all, and CountedUnits has no scan."""
    found: list[tuple[str, str, str]] = []
    query = {"resource": {"$regex": "^(demand|agency):.*:claims$"}, "unit": {"$ne": None}}
    async for doc in units.units.find(query, {"resource": 1}):
        resource, _, holder = str(doc["_id"]).partition("#")
        kind, owner = resource.split(":")[0], resource.split(":")[1]
        if kind == "demand":
            found.append((kind, owner, holder))
        else:
            found.append((kind, holder, owner))
    return found


async def unfreed_claim_pairs(store: MongoAggregateStore[Claim]) -> set[tuple[str, str]]:
    """(demand id, agency id) of every claim whose slots are still its own."""
    pairs: set[tuple[str, str]] = set()
    async for doc in store.col.find({"units_freed": False}, {"demand_id": 1, "agency_id": 1}):
        pairs.add((doc["demand_id"], doc["agency_id"]))
    return pairs


async def person_keys_between(
    store: MongoAggregateStore[Any], start: dt.datetime, end: dt.datetime
) -> list[tuple[str, Any]]:
    """(key id, PersonKey) taken in [start, end)."""
    found = await store.col.find({"at": {"$gte": start, "$lt": end}}).to_list(5000)
    return [(str(d["_id"]), store.from_doc(d)) for d in found]


async def agency_record(
    claims_store: MongoAggregateStore[Claim], candidates: MongoAggregateStore[Any], agency_id: str
) -> dict[str, int]:
    """Counts of an agency's work on the platform (claims, submissions, placements)."""
    mine = {"agency_id": agency_id}
    return {
        "claims_active": await claims_store.count({**mine, "state": "active"}),
        "claims_total": await claims_store.count(mine),
        "candidates_submitted": await candidates.count(mine),
        "hires": await candidates.count({**mine, "placement": {"$ne": None}}),
        "placements_qualified": await candidates.count({**mine, "placement.state": "qualified"}),
        "placements_ended": await candidates.count({**mine, "placement.state": "ended"}),
    }
