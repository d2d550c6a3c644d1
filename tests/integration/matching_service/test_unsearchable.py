"""A published record the index refuses is never silently lost: its owner is told (once
per version, through the store's outbox), operators can list it, and matching goes on.
On the real OpenSearch: a 12,000-character keyword is an immense term for the exact
keyword field, which OpenSearch rejects with a 400."""

from __future__ import annotations

import pytest

from services.matching.storage.search import WriteOutcome
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from tests.integration.matching_service.helpers import pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration


async def test_an_index_hostile_record_is_told_to_its_owner_once(deps: Deps) -> None:
    hostile = record("tech_offer", "org-owner", keywords=["储能" * 6000])
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
    assert "储能储能" not in data["reason"]  # the reason names the fault, not the content
    listed = await deps.repos.failures.latest(10)
    assert [f.record_id for f in listed] == [hostile.id]
    # the rest of matching carries on: a normal record still projects and matches
    fine = await apply_change(deps, change(record("tech_offer", "org-owner")))
    assert fine.outcome is WriteOutcome.applied
