"""Scenarios' storage: aggregate stores on ``shared.store`` (every conditional change is a
versioned save or a unique create) and counted units for the award slots. Mongo query
documents live here only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from pymongo.asynchronous.database import AsyncDatabase

from services.scenarios.domain.panel import Panel
from services.scenarios.domain.proposals import Proposal
from services.scenarios.domain.pushes import Mutes, Push
from services.scenarios.domain.records import Capability
from services.scenarios.domain.scenarios import Batch, Scenario
from shared.store import MongoAggregateStore
from shared.units import CountedUnits


class EnterpriseTiers(BaseModel):
    """identity's tier lists of one enterprise, as of its history entry ``sequence``."""

    id: str
    tiers: list[str] = Field(default_factory=list)
    sequence: int = 0


@dataclass(frozen=True)
class Repositories:
    capabilities: MongoAggregateStore[Capability]
    scenarios: MongoAggregateStore[Scenario]
    batches: MongoAggregateStore[Batch]
    proposals: MongoAggregateStore[Proposal]
    panels: MongoAggregateStore[Panel]
    mutes: MongoAggregateStore[Mutes]
    pushes: MongoAggregateStore[Push]
    tiers: MongoAggregateStore[EnterpriseTiers]
    units: CountedUnits

    @classmethod
    def over(cls, db: AsyncDatabase[Any]) -> Repositories:
        def store(kind: str, model: type[Any], collection: str, **kw: Any) -> Any:
            return MongoAggregateStore(db, kind, model, collection=collection, **kw)

        return cls(
            capabilities=store("capability", Capability, "capabilities"),
            scenarios=store(
                "scenario",
                Scenario,
                "scenarios",
                index_fields=lambda s: {"domain": s.content.domain},
            ),
            batches=store("batch", Batch, "batches"),
            proposals=store("proposal", Proposal, "proposals"),
            panels=store("panel", Panel, "panels"),
            mutes=store("mutes", Mutes, "mutes"),
            pushes=store("push", Push, "pushes"),
            tiers=store("enterprise_tiers", EnterpriseTiers, "enterprise_tiers"),
            units=CountedUnits(db),
        )

    async def ensure_indexes(self) -> None:
        await self.capabilities.ensure_indexes("owner_org_id")
        await self.scenarios.ensure_indexes("publisher_org_id", "state", "batch_id", "domain")
        await self.proposals.ensure_indexes("scenario_id", "enterprise_org_id")
        await self.pushes.ensure_indexes("enterprise_org_id")


# ---- query documents (the only Mongo operators of the service) ----------------------


def owned_by(field: str, org_id: str) -> dict[str, Any]:
    return {field: org_id}


def published_capabilities() -> dict[str, Any]:
    return {"state": "published"}


def scenarios_visible(
    org_id: str | None, batch_id: str | None, domain: str | None, states: list[str] | None
) -> dict[str, Any]:
    """Listed scenarios: public states (and, for a publisher, its own of any state)."""
    public = {"state": {"$in": states or ["published", "awarded", "completed"]}}
    query: dict[str, Any] = {"$or": [public, {"publisher_org_id": org_id}]} if org_id else public
    if batch_id:
        query["batch_id"] = batch_id
    if domain:
        query["domain"] = domain
    return query


def results() -> dict[str, Any]:
    return {"state": {"$in": ["awarded", "completed"]}}


def of_scenario(scenario_id: str, states: list[str] | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"scenario_id": scenario_id}
    if states:
        query["state"] = {"$in": states}
    return query


def everything() -> Mapping[str, Any]:
    return {}
