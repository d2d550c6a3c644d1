# ruff: noqa: E501
"""A saved search fires once per newly published record it matches (percolator)."""

from __future__ import annotations

import pytest

from services.matching.domain.browse import BrowseQuery
from services.matching.usecases import Deps
from services.matching.usecases import saved_searches as uc
from services.matching.usecases.projection import apply_change
from shared.auth import Caller, OrgType, Role
from tests.integration.matching_service.helpers import pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration

INVESTOR = Caller(user_id="u-inv", organisation_id="org-inv", org_type=OrgType.investor, role=Role.member)  # fmt: skip


async def test_the_percolator_fires_for_a_saved_search_exactly_once(deps: Deps) -> None:
    query = BrowseQuery(q="隐私计算", filters={"stage": ["pre_a", "a"]})
    saved = await uc.save_search(deps, INVESTOR, "pitch", "隐私计算早期", query)
    pitch = record("pitch", "org-startup")
    late_stage = record("pitch", "org-other", attributes={"stage": "b"})
    unrelated = record("pitch", "org-other", title="储能电池回收 A轮", keywords=["电池回收"], description="退役动力电池梯次利用与回收。")  # fmt: skip

    first = await apply_change(deps, change(pitch))
    assert first.saved_search_hits == [f"{saved['_id']}|{pitch.id}"]
    for other in (late_stage, unrelated):
        assert (await apply_change(deps, change(other))).saved_search_hits == []
    # replayed, then edited: still once ("newly published" only)
    assert (await apply_change(deps, change(pitch))).saved_search_hits == []
    edited = pitch.model_copy(update={"title": pitch.title + "（更新）"})
    assert (await apply_change(deps, change(edited, "updated", version=2))).saved_search_hits == []

    events = [e for e in await pending_events(deps) if e["data"]["trigger"] == "saved_search"]
    assert len(events) == 1
    data = events[0]["data"]
    assert data["user_id"] == "u-inv" and data["saved_search_id"] == saved["_id"]
    assert data["record_id"] == pitch.id and data["recipient_org_id"] == "org-inv"
    assert data["record_org_id"] == "org-startup"


async def test_a_deleted_saved_search_no_longer_fires(deps: Deps) -> None:
    saved = await uc.save_search(deps, INVESTOR, "pitch", "", BrowseQuery(q="隐私计算"))
    await uc.delete_search(deps, INVESTOR, saved["_id"])
    assert (await apply_change(deps, change(record("pitch", "org-s")))).saved_search_hits == []
    assert await deps.repos.saved_searches.of_user("u-inv") == []
