"""A paraphrase (the same need in other words) reaches the suggestions, both ways, on
the real engines; an unrelated record passing the same constraints does not."""

from __future__ import annotations

import pytest

from services.matching.usecases import Deps
from services.matching.usecases.explain import why_not
from services.matching.usecases.projection import apply_change
from shared.auth import Caller, OrgType, Role
from tests.integration.matching_service.records import change, record
from tests.unit.matching_service.test_floor import PARAPHRASE, UNRELATED

pytestmark = pytest.mark.integration

DEMANDER = Caller(
    user_id="u-d", organisation_id="org-demand", org_type=OrgType.enterprise, role=Role.admin
)


async def test_a_paraphrase_published_after_the_demand_is_suggested(deps: Deps) -> None:
    need = record("procurement_need", "org-demand")
    para = record("product", "org-supply", **PARAPHRASE)
    cow = record("product", "org-supply", **UNRELATED)
    await apply_change(deps, change(need))
    await apply_change(deps, change(cow))
    applied = await apply_change(deps, change(para))
    pair = await deps.repos.matches.get(f"{need.id}|{para.id}")
    assert pair is not None and pair["rank"] == 1
    assert applied.ranking.suggested == [pair["_id"]]
    assert await deps.repos.matches.get(f"{need.id}|{cow.id}") is None
    answer = await why_not(deps, DEMANDER, need.id, para.id)
    assert answer["verdict"] == "in_top"


async def test_a_demand_published_after_the_paraphrase_ranks_it(deps: Deps) -> None:
    para = record("product", "org-supply", **PARAPHRASE)
    cow = record("product", "org-supply", **UNRELATED)
    need = record("procurement_need", "org-demand")
    await apply_change(deps, change(para))
    await apply_change(deps, change(cow))
    applied = await apply_change(deps, change(need))
    pair = await deps.repos.matches.get(f"{need.id}|{para.id}")
    assert pair is not None and pair["rank"] == 1 and pair["suggested_rank"] == 1
    assert applied.ranking.suggested == [pair["_id"]]
    assert await deps.repos.matches.get(f"{need.id}|{cow.id}") is None
