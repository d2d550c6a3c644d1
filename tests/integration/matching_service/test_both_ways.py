"""Each pair kind finds its counterpart both ways, on the real engines."""

from __future__ import annotations

import datetime as dt

import pytest

from services.matching.domain.feedback import Feedback
from services.matching.usecases import Deps
from services.matching.usecases.matches import give_feedback
from services.matching.usecases.projection import apply_change
from services.notifications.domain.rules import IncomingEvent, notice_for
from shared.auth import Caller
from tests.integration.matching_service.helpers import pending_events
from tests.integration.matching_service.records import PAIR_KINDS, change, record

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("demand_kind", "supply_kind"), PAIR_KINDS)
async def test_a_demand_published_first_is_found_when_its_supply_arrives(
    deps: Deps, demand_kind: str, supply_kind: str
) -> None:
    demand = record(demand_kind, "org-demand")
    supply = record(supply_kind, "org-supply")
    first = await apply_change(deps, change(demand))
    assert first.pairing.suggested == []  # nothing to match yet
    second = await apply_change(deps, change(supply))
    pair = await deps.repos.matches.get(f"{demand.id}|{supply.id}")
    assert pair is not None, "the supply side found the standing demand"
    assert pair["rank"] == 1 and pair["score"] > 0
    assert pair["explanation"]["eligible"] and pair["explanation"]["highlights"]
    assert next(c["name"] for c in pair["explanation"]["constraints"]) == "status"
    assert second.pairing.suggested == [pair["_id"]]


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
    assert applied.pairing.suggested == [pair["_id"]]


@pytest.mark.parametrize(("demand_kind", "supply_kind"), PAIR_KINDS)
async def test_both_sides_are_told_each_with_its_own_record_to_open(
    deps: Deps, demand_kind: str, supply_kind: str
) -> None:
    supply = record(supply_kind, "org-supply")
    demand = record(demand_kind, "org-demand")
    await apply_change(deps, change(supply))
    await apply_change(deps, change(demand))
    told = {
        e["data"]["side"]: e["data"]
        for e in await pending_events(deps)
        if e["type"] == "matching.match.suggested" and e["subject"] == f"{demand.id}|{supply.id}"
    }
    assert set(told) == {"demand", "supply"}
    assert told["demand"]["recipient_org_id"] == "org-demand"
    assert told["supply"]["recipient_org_id"] == "org-supply"
    for side, data in told.items():
        event = IncomingEvent(id=side, type="matching.match.suggested", subject=None,
                              time=dt.datetime.now(dt.UTC), data=data)  # fmt: skip
        notice = notice_for(event)
        if side == "supply" and demand_kind == "scenario":
            assert notice is None  # scenarios pushes these itself, honouring muted domains
            continue
        assert notice is not None
        opened = (demand_kind, demand.id) if side == "supply" else (supply_kind, supply.id)
        assert (notice.subject_kind, notice.subject_id) == opened


async def test_a_suppliers_not_interested_silences_only_the_supplier(deps: Deps) -> None:
    demand_kind, supply_kind = PAIR_KINDS[0]
    supply = record(supply_kind, "org-supply")
    await apply_change(deps, change(supply))
    first = record(demand_kind, "org-demand")
    await apply_change(deps, change(first))
    mid = f"{first.id}|{supply.id}"
    supplier = Caller(user_id="u-s", organisation_id="org-supply", org_type="university",
                      role="admin")  # fmt: skip
    await give_feedback(deps, supplier, first.id, supply.id, Feedback.not_relevant)
    pair = await deps.repos.matches.get(mid)
    assert pair is not None and pair["supply_dismissed"] and not pair["dismissed"]
    # the pair rises again for the demander: the demander hears, the supplier does not
    await deps.repos.matches.change(
        mid, lambda p: p.model_copy(update={"suggested_rank": 10, "rank": 10})
    )
    await deps.repos.matches.forget_standing(first.id)
    before = len(await pending_events(deps))
    await apply_change(deps, change(first, "updated", version=2))
    new = [e["data"] for e in (await pending_events(deps))[before:]
           if e["type"] == "matching.match.suggested"]  # fmt: skip
    assert [d["side"] for d in new] == ["demand"]
