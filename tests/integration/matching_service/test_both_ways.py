"""Each pair kind finds its counterpart both ways, on the real engines."""

from __future__ import annotations

import pytest

from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from tests.integration.matching_service.records import PAIR_KINDS, change, record

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("demand_kind", "supply_kind"), PAIR_KINDS)
async def test_a_demand_published_first_is_found_when_its_supply_arrives(
    deps: Deps, demand_kind: str, supply_kind: str
) -> None:
    demand = record(demand_kind, "org-demand")
    supply = record(supply_kind, "org-supply")
    first = await apply_change(deps, change(demand))
    assert first.ranking.suggested == []  # nothing to match yet
    second = await apply_change(deps, change(supply))
    pair = await deps.repos.matches.get(f"{demand.id}|{supply.id}")
    assert pair is not None, "the supply side found the standing demand"
    assert pair["rank"] == 1 and pair["score"] > 0
    assert pair["explanation"]["eligible"] and pair["explanation"]["highlights"]
    assert next(c["name"] for c in pair["explanation"]["constraints"]) == "status"
    assert second.ranking.suggested == [pair["_id"]]
    assert second.seconds < 1.0


@pytest.mark.parametrize(("demand_kind", "supply_kind"), PAIR_KINDS)
async def test_a_supply_published_first_is_found_when_its_demand_arrives(
    deps: Deps, demand_kind: str, supply_kind: str
) -> None:
    supply = record(supply_kind, "org-supply")
    demand = record(demand_kind, "org-demand")
    await apply_change(deps, change(supply))
    applied = await apply_change(deps, change(demand))
    pair = await deps.repos.matches.get(f"{demand.id}|{supply.id}")
    assert pair is not None and pair["rank"] == 1
    assert pair["suggested_rank"] == 1 and pair["history"][0]["action"] == "suggested"
    assert applied.ranking.suggested == [pair["_id"]]
