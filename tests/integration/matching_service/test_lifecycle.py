# ruff: noqa: E501
"""Withdrawal, replays and reordering, dismissals, why-not — on the real engines."""

from __future__ import annotations

import pytest

from services.matching.domain.browse import BrowseQuery
from services.matching.domain.feedback import Feedback
from services.matching.storage.search import WriteOutcome
from services.matching.usecases import Deps
from services.matching.usecases import matches as match_uc
from services.matching.usecases.browse import browse
from services.matching.usecases.explain import why_not
from services.matching.usecases.projection import apply_change
from shared.auth import Caller, OrgType, Role
from tests.integration.matching_service.helpers import pairs, pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration

DEMANDER = Caller(
    user_id="u-d", organisation_id="org-demand", org_type=OrgType.enterprise, role=Role.admin
)
SUPPLIER = Caller(user_id="u-s", organisation_id="org-supply", org_type=OrgType.university, role=Role.admin)  # fmt: skip


async def test_withdrawal_removes_a_record_from_results_and_search(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    found = await browse(deps, "tech_offer", BrowseQuery(q="私有化部署"), limit=10, offset=0)
    assert [i["record"]["id"] for i in found["items"]] == [offer.id]
    listed, _ = await match_uc.list_matches(deps, DEMANDER, demand_id=need.id)
    assert [m["supply_id"] for m in listed] == [offer.id]

    await apply_change(deps, change(offer, "withdrawn", version=2))

    found = await browse(deps, "tech_offer", BrowseQuery(q="私有化部署"), limit=10, offset=0)
    assert found["items"] == [] and found["total"] == 0
    assert (await browse(deps, "tech_offer", BrowseQuery(), limit=10, offset=0))["total"] == 0
    listed, total = await match_uc.list_matches(deps, DEMANDER, demand_id=need.id)
    assert listed == [] and total == 0
    # a new demand does not rank the withdrawn offer either
    other = record("tech_need", "org-demand-2")
    applied = await apply_change(deps, change(other))
    assert applied.pairing.pairs == 0


async def test_replaying_and_reordering_events_changes_nothing(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    edited = offer.model_copy(update={"title": offer.title + "（第二版）"})
    history = [change(need), change(offer), change(edited, "updated", version=2)]
    for c in history:
        await apply_change(deps, c)
    before_pairs, before_events = await pairs(deps), await pending_events(deps)
    before_doc = await deps.search.get("tech_offer", offer.id)
    assert (
        before_doc["title"].endswith("（第二版）") and len(before_events) == 2
    )  # one suggestion, told to each side

    outcomes = [await apply_change(deps, c) for c in [*history, *reversed(history)]]

    assert {o.outcome for o in outcomes} <= {WriteOutcome.same, WriteOutcome.stale}
    assert await pairs(deps) == before_pairs
    assert await pending_events(deps) == before_events
    assert await deps.search.get("tech_offer", offer.id) == before_doc
    # a withdrawal older than the state it meets is ignored; a newer one wins for good
    await apply_change(deps, change(offer, "withdrawn", version=3))
    assert (
        await apply_change(deps, change(edited, "updated", version=2))
    ).outcome is WriteOutcome.stale
    assert (await deps.search.get("tech_offer", offer.id))["status"] == "withdrawn"


async def test_dismissed_pairs_stay_dismissed(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    assert len(await pending_events(deps)) == 2  # one suggestion, told to each side
    # the supplier's "not interested" is its own: it does not dismiss the demander's pair
    by_supplier = await match_uc.give_feedback(
        deps, SUPPLIER, need.id, offer.id, Feedback.not_relevant
    )
    assert by_supplier["supply_dismissed"] and not by_supplier["dismissed"]
    pair = await match_uc.give_feedback(deps, DEMANDER, need.id, offer.id, Feedback.not_relevant)
    assert pair["dismissed"] and pair["history"][-1]["action"] == "declined"

    # the pair drops out, then comes back at the top: still never suggested again
    changed = offer.model_copy(update={"attributes": {**offer.attributes, "trl": 3}})
    await apply_change(deps, change(changed, "updated", version=2))
    assert (await deps.repos.matches.get(pair["_id"]))["rank"] is None
    await apply_change(deps, change(offer, "updated", version=3))
    await apply_change(
        deps, change(need.model_copy(update={"title": need.title + "。"}), "updated", 2)
    )
    stored = await deps.repos.matches.get(pair["_id"])
    assert stored["rank"] == 1 and stored["dismissed"]
    assert len(await pending_events(deps)) == 2
    listed, _ = await match_uc.list_matches(deps, DEMANDER, demand_id=need.id)
    assert listed == []
    shown, _ = await match_uc.list_matches(
        deps, DEMANDER, demand_id=need.id, include_dismissed=True
    )
    assert [m["_id"] for m in shown] == [pair["_id"]]
    # contacting afterwards is recorded, the dismissal holds
    after = await match_uc.give_feedback(deps, DEMANDER, need.id, offer.id, Feedback.contacted)
    assert after["dismissed"]
    history = await match_uc.pair_history(deps, DEMANDER, "org-supply")
    assert [h["action"] for h in history] == ["suggested", "declined", "declined", "contacted"]
    assert history == await match_uc.pair_history(deps, SUPPLIER, "org-demand")


async def test_why_not_names_the_failed_constraint(deps: Deps) -> None:
    need = record("tech_need", "org-demand")
    immature = record("tech_offer", "org-supply", attributes={"trl": 4})
    unrelated = record("tech_offer", "org-supply", title="高精度玉米播种机", keywords=["播种"], description="适用于大田玉米的精量播种机械，株距均匀。")  # fmt: skip
    for r in (need, immature, unrelated):
        await apply_change(deps, change(r))
    answer = await why_not(deps, DEMANDER, need.id, immature.id)
    assert answer["verdict"] == "constraint_failed" and answer["failed"] == ["min_trl"]
    assert "min_trl" in answer["reason"] and answer["stored"] is None
    weak = await why_not(deps, SUPPLIER, need.id, unrelated.id)
    assert weak["verdict"] == "weak_text" and weak["failed"] == []
    assert "weak text overlap" in weak["reason"]
    stranger = Caller(
        user_id="x", organisation_id="org-x", org_type=OrgType.enterprise, role=Role.admin
    )
    with pytest.raises(Exception, match="no such pair"):
        await why_not(deps, stranger, need.id, immature.id)
