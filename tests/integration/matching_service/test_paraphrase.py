"""With the similarity floor switched on (DUIJIE_MATCHING_MIN_SIMILARITY), a paraphrase (the
same need in other words) reaches the suggestions, both ways, on the real engines; an
unrelated record passing the same constraints does not. With the default (the word floor
alone) a market of unrelated records suggests nothing: no flooding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.pipeline import pair_contents, word_pool
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


@pytest.fixture
def similar(deps: Deps) -> Deps:
    return replace(deps, settings=deps.settings.model_copy(update={"min_similarity": 0.3}))


async def test_a_paraphrase_published_after_the_demand_is_suggested(similar: Deps) -> None:
    deps = similar
    need = record("procurement_need", "org-demand")
    para = record("product", "org-supply", **PARAPHRASE)
    cow = record("product", "org-supply", **UNRELATED)
    await apply_change(deps, change(need))
    await apply_change(deps, change(cow))
    applied = await apply_change(deps, change(para))
    pair = await deps.repos.matches.get(f"{need.id}|{para.id}")
    assert pair is not None and pair["rank"] == 1
    assert applied.pairing.suggested == [pair["_id"]]
    assert await deps.repos.matches.get(f"{need.id}|{cow.id}") is None
    answer = await why_not(deps, DEMANDER, need.id, para.id)
    assert answer["verdict"] == "in_top"


async def test_a_demand_published_after_the_paraphrase_ranks_it(similar: Deps) -> None:
    deps = similar
    para = record("product", "org-supply", **PARAPHRASE)
    cow = record("product", "org-supply", **UNRELATED)
    need = record("procurement_need", "org-demand")
    await apply_change(deps, change(para))
    await apply_change(deps, change(cow))
    applied = await apply_change(deps, change(need))
    pair = await deps.repos.matches.get(f"{need.id}|{para.id}")
    assert pair is not None and pair["rank"] == 1 and pair["suggested_rank"] == 1
    assert applied.pairing.suggested == [pair["_id"]]
    assert await deps.repos.matches.get(f"{need.id}|{cow.id}") is None


async def test_by_default_unrelated_records_are_not_paired(deps: Deps) -> None:
    # bench-pipeline's records: each need shares its words with its own offer only
    words = word_pool(7, min_freq=50)
    contents = [pair_contents(words[5 * i : 5 * i + 5], f"flood{i}") for i in range(12)]
    for i, (_, offer) in enumerate(contents[1:]):
        fields = {k: offer[k] for k in ("title", "description", "keywords")}
        await apply_change(deps, change(record("tech_offer", f"org-s{i}", **fields)))
    own = {k: contents[0][1][k] for k in ("title", "description", "keywords")}
    await apply_change(deps, change(record("tech_offer", "org-s", rid="own-offer", **own)))
    fields = {k: contents[0][0][k] for k in ("title", "description", "keywords")}
    need = record("tech_need", "org-demand", **fields)
    applied = await apply_change(deps, change(need))
    assert applied.pairing.suggested == [f"{need.id}|own-offer"]
