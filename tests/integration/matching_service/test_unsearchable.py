"""A published record the index refuses is never silently lost: its owner is told (once
per version, through the store's outbox), operators can list it, and matching goes on.
On the real OpenSearch: a TRL that is words where the index holds an integer (a producer's
bug) makes OpenSearch refuse the document with a 400. Records at every input bound still
project and rank: no query of theirs passes OpenSearch's 1,024-clause limit."""

from __future__ import annotations

import pytest

from services.matching.storage.search import WriteOutcome
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from tests.integration.matching_service.helpers import pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration


async def test_an_index_hostile_record_is_told_to_its_owner_once(deps: Deps) -> None:
    hostile = record("tech_offer", "org-owner", attributes={"trl": "九级储能储能"})
    applied = await apply_change(deps, change(hostile))
    if applied.outcome is not WriteOutcome.rejected:
        pytest.fail("the index accepted the immense keyword: pick another hostile record")
    again = await apply_change(deps, change(hostile))  # a redelivery tells nobody twice
    assert again.outcome is WriteOutcome.rejected
    told = [e for e in await pending_events(deps) if e["type"] == "matching.record.rejected"]
    assert len(told) == 1
    data = told[0]["data"]
    assert (data["record_id"], data["owner_org_id"], data["record_version"]) == (
        hostile.id, "org-owner", 1,
    )  # fmt: skip
    assert "九级储能" not in data["reason"]  # the reason names the fault, not the content
    listed = await deps.repos.failures.latest(10)
    assert [f.record_id for f in listed] == [hostile.id]
    # the rest of matching carries on: a normal record still projects and matches
    fine = await apply_change(deps, change(record("tech_offer", "org-owner")))
    assert fine.outcome is WriteOutcome.applied


# ~2,900 distinct characters of running Chinese text, so every bigram and word differs
_TEXT = "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(6_000))


@pytest.mark.parametrize("kind", ["tech_need", "tech_offer"])
async def test_a_record_at_every_input_bound_projects_and_ranks(deps: Deps, kind: str) -> None:
    # techtransfer's bounds: title 200, description 5,000, 20 keywords of 50 characters
    big = record(kind, "org-owner", title=_TEXT[:200], description=_TEXT[:5000],
                 keywords=[_TEXT[i * 50 : (i + 1) * 50] for i in range(20)])  # fmt: skip
    applied = await apply_change(deps, change(big))
    assert applied.outcome is WriteOutcome.applied
