"""Hard constraints: verdicts by name, and filters that agree with them both ways."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.ranking import PAIRS, check_all, to_index_doc
from services.matching.ranking.constraints import forward_filters, reverse_filters

from .filter_eval import all_match
from .records import DEMANDS, SUPPLIES, VIOLATIONS, variant

pytestmark = pytest.mark.unit


def _verdicts(demand: dict, supply: dict) -> dict[str, bool]:
    return {c.name: c.passed for c in check_all(to_index_doc(demand), to_index_doc(supply))}


@pytest.mark.parametrize("demand_kind", list(PAIRS))
def test_the_written_pair_passes_every_constraint(demand_kind: str) -> None:
    verdicts = _verdicts(DEMANDS[demand_kind], SUPPLIES[PAIRS[demand_kind]])
    assert verdicts and all(verdicts.values())


@pytest.mark.parametrize(
    ("demand_kind", "name", "attrs"),
    [(k, n, a) for k, vs in VIOLATIONS.items() for n, a in vs],
)
def test_each_violation_fails_exactly_its_constraint(
    demand_kind: str, name: str, attrs: dict
) -> None:
    supply = variant(SUPPLIES[PAIRS[demand_kind]], "bad", **attrs)
    verdicts = _verdicts(DEMANDS[demand_kind], supply)
    assert [n for n, ok in verdicts.items() if not ok] == [name]


def test_product_over_budget_only_when_lowest_price_exceeds_max_budget() -> None:
    need = DEMANDS["procurement_need"]
    at_max = variant(SUPPLIES["product"], "at", price_band=[1000000, 9000000])
    over = variant(SUPPLIES["product"], "over", price_band=[1000001, 1000001])
    assert _verdicts(need, at_max)["budget"] is True
    assert _verdicts(need, over)["budget"] is False


def test_ticket_bounds_are_inclusive() -> None:
    mandate = DEMANDS["investor_mandate"]
    for ask, ok in ((5000000, True), (30000000, True), (4999999, False), (30000001, False)):
        assert _verdicts(mandate, variant(SUPPLIES["pitch"], "x", ask_cny=ask))["ticket"] is ok


def test_missing_supply_value_fails_a_stated_constraint() -> None:
    offer = variant(SUPPLIES["tech_offer"], "x")
    del offer["attributes"]["trl"]
    assert _verdicts(DEMANDS["tech_need"], offer)["min_trl"] is False


def test_unstated_constraint_does_not_apply() -> None:
    need = variant(DEMANDS["tech_need"], "x")
    del need["attributes"]["min_trl"]
    assert "min_trl" not in _verdicts(need, SUPPLIES["tech_offer"])


def test_unpublished_supply_fails_status() -> None:
    offer = {**SUPPLIES["tech_offer"], "status": "withdrawn"}
    assert _verdicts(DEMANDS["tech_need"], offer)["status"] is False


CODES = ["a", "b", "c", "d"]
MODES = ["transfer", "license", "equity", "joint_dev"]
STAGES = ["angel", "pre_a", "a", "b", "c_plus"]
LEVELS = ["junior", "mid", "senior", "executive"]
maybe_int = st.none() | st.integers(1, 9)
money = st.integers(0, 10).map(lambda x: x * 1_000_000)


def _pairs() -> st.SearchStrategy:
    sub = lambda xs: st.lists(st.sampled_from(xs), unique=True, max_size=len(xs))  # noqa: E731
    rng = st.tuples(money, money).map(sorted).map(list)
    return st.one_of(
        st.tuples(
            st.fixed_dictionaries({"min_trl": maybe_int, "cooperation_modes": sub(MODES)}),
            st.fixed_dictionaries({"trl": maybe_int, "cooperation_modes": sub(MODES)}),
        ).map(lambda p: ("tech_need", *p)),
        st.tuples(
            st.fixed_dictionaries({"budget_cny": st.none() | rng}),
            st.fixed_dictionaries({"price_band": st.none() | rng}),
        ).map(lambda p: ("procurement_need", *p)),
        st.tuples(
            st.fixed_dictionaries({"required_qualifications": sub(CODES)}),
            st.fixed_dictionaries({"qualifications": sub(CODES)}),
        ).map(lambda p: ("scenario", *p)),
        st.tuples(
            st.fixed_dictionaries({"stages": sub(STAGES), "ticket_cny": st.none() | rng}),
            st.fixed_dictionaries(
                {"stage": st.none() | st.sampled_from(STAGES), "ask_cny": st.none() | money}
            ),
        ).map(lambda p: ("investor_mandate", *p)),
        st.tuples(
            st.fixed_dictionaries({"seniority": st.none() | st.sampled_from(LEVELS)}),
            st.fixed_dictionaries({"seniority_range": sub(LEVELS)}),
        ).map(lambda p: ("talent_demand", *p)),
    )


def _drop_none(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if v is not None}


@settings(max_examples=400, deadline=None)
@given(_pairs(), st.booleans())
def test_filters_agree_with_checks_in_both_directions(pair: tuple, published: bool) -> None:
    demand_kind, d_attrs, s_attrs = pair
    base = {"title": "", "description": "", "domains": [], "keywords": []}
    demand = to_index_doc(
        {
            **base,
            "id": "d",
            "kind": demand_kind,
            "status": "published" if published else "draft",
            "attributes": _drop_none(d_attrs),
        },
        with_standing_query=False,
    )
    supply = to_index_doc(
        {
            **base,
            "id": "s",
            "kind": PAIRS[demand_kind],
            "status": "published" if published else "draft",
            "attributes": _drop_none(s_attrs),
        }
    )
    expected = all(c.passed for c in check_all(demand, supply))
    assert all_match(forward_filters(demand), supply) is expected
    assert all_match(reverse_filters(supply, demand_kind), demand) is expected
