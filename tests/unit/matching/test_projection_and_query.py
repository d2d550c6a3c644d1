"""Projection, index definition and query structure (pure)."""

from __future__ import annotations

import json

import pytest

from services.matching.ranking import (
    PAIRS,
    REVERSE_PAIRS,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    counterpart,
    index_definition,
    index_name,
    standing_admits,
    standing_hits,
    standing_query,
    to_index_doc,
)
from services.matching.ranking.constraints import forward_filters
from services.matching.ranking.text import segment, tokens

from .records import DEMANDS, SUPPLIES, VIOLATIONS, variant

pytestmark = pytest.mark.unit


def test_pairs_and_reverse_are_inverse() -> None:
    assert PAIRS["tech_need"] == "tech_offer"
    assert REVERSE_PAIRS["agency"] == "talent_demand"
    for demand, supply in PAIRS.items():
        assert counterpart(demand) == supply and counterpart(supply) == demand
    assert index_name("tech_need", "x") == "x-matching-tech-need"
    with pytest.raises(ValueError):
        counterpart("nope")


def test_projection_flattens_ranges_and_codes() -> None:
    product = to_index_doc(SUPPLIES["product"])
    assert (product["price_min"], product["price_max"]) == (600000, 1500000)
    assert product["status"] == "published"
    need = to_index_doc(DEMANDS["tech_need"])
    assert need["min_trl"] == 6 and need["accepted_modes"] == ["license"]
    assert (need["budget_min"], need["budget_max"]) == (500000, 2000000)
    scenario = to_index_doc(DEMANDS["scenario"])
    assert scenario["required_qualifications_count"] == 2
    mandate = to_index_doc(DEMANDS["investor_mandate"])
    assert (mandate["ticket_min"], mandate["ticket_max"]) == (5000000, 30000000)


def test_projection_adds_segmented_text_and_standing_query_for_demands_only() -> None:
    offer = to_index_doc(SUPPLIES["tech_offer"])
    assert "机器" in offer["title_seg"].split() or "机器视觉" in offer["title_seg"].split()
    assert "standing_query" not in offer
    assert "standing_query" in to_index_doc(DEMANDS["tech_need"])
    assert "standing_query" not in to_index_doc(DEMANDS["tech_need"], with_standing_query=False)


def test_segmentation_is_lowercase_without_punctuation_or_function_words() -> None:
    words = tokens("基于RISC-V内核的MCU芯片，和驱动库")
    assert "risc" in words and "mcu" in words
    assert "的" not in words and "和" not in words and "，" not in words
    assert segment("") == ""


@pytest.mark.parametrize("kind", sorted(set(PAIRS) | set(REVERSE_PAIRS)))
def test_index_definition_maps_every_projected_field(kind: str) -> None:
    body = index_definition(kind)
    props = body["mappings"]["properties"]
    assert props["title"]["analyzer"] == "cjk"
    assert props["title_seg"]["analyzer"] == "seg_words"
    assert ("standing_query" in props) is (kind in PAIRS)
    record = DEMANDS.get(kind) or SUPPLIES[kind]
    assert set(to_index_doc(record)) <= set(props)
    # a demand index must map the supply fields its standing queries read
    if kind in PAIRS:
        assert set(to_index_doc(SUPPLIES[PAIRS[kind]])) <= set(props)


@pytest.mark.parametrize("demand_kind", list(PAIRS))
def test_match_query_puts_constraints_in_filter_not_in_score(demand_kind: str) -> None:
    demand = DEMANDS[demand_kind]
    body = build_match_query(demand, size=7)
    assert body["size"] == 7
    bool_q = body["query"]["bool"]
    assert {"term": {"kind": PAIRS[demand_kind]}} in bool_q["filter"]
    for clause in forward_filters(to_index_doc(demand)):
        assert clause in bool_q["filter"]
    should = json.dumps(bool_q["should"])
    for field in ("trl", "price_min", "qualifications", "ask_cny", "seniority_range", "status"):
        assert f'"{field}"' not in should
    json.dumps(body)  # serialisable as sent


def test_match_query_rescores_description_and_domains_on_top_hits() -> None:
    body = build_match_query(DEMANDS["tech_need"])
    rescore = body["rescore"]
    assert [r["query"]["score_mode"] for r in rescore] == ["total", "multiply", "total"]
    assert all(r["window_size"] >= 10 for r in rescore)
    functions = rescore[1]["query"]["rescore_query"]["function_score"]["functions"]
    assert {"term": {"domains": "energy"}} in [f.get("filter") for f in functions]


def test_match_query_accepts_a_projected_document() -> None:
    demand = DEMANDS["scenario"]
    assert build_match_query(demand) == build_match_query(to_index_doc(demand))


def test_highlight_is_optional() -> None:
    assert "highlight" not in build_match_query(DEMANDS["tech_need"])
    assert "title" in build_match_query(DEMANDS["tech_need"], highlight=True)["highlight"]["fields"]


@pytest.mark.parametrize("supply_kind", list(REVERSE_PAIRS))
def test_reverse_query_targets_the_demand_kind(supply_kind: str) -> None:
    body = build_reverse_query(SUPPLIES[supply_kind])
    assert {"term": {"kind": REVERSE_PAIRS[supply_kind]}} in body["query"]["bool"]["filter"]


@pytest.mark.parametrize("demand_kind", list(PAIRS))
def test_standing_query_is_one_word_gate_the_percolator_can_narrow(demand_kind: str) -> None:
    doc = to_index_doc(DEMANDS[demand_kind], with_standing_query=False)
    gate = standing_query(doc)["match"]["words_seg"]
    assert gate["minimum_should_match"] == "2"
    words = gate["query"].split()
    assert words and set(words) <= set(f"{doc['title_seg']} {doc['keywords_seg']}".split())


@pytest.mark.parametrize(
    ("demand_kind", "name", "attrs"), [(k, n, a) for k, vs in VIOLATIONS.items() for n, a in vs]
)
def test_standing_interest_checks_every_hard_constraint(demand_kind: str, name: str, attrs) -> None:
    demand = to_index_doc(DEMANDS[demand_kind], with_standing_query=False)
    fits = to_index_doc(SUPPLIES[PAIRS[demand_kind]])
    breaks = to_index_doc(variant(SUPPLIES[PAIRS[demand_kind]], f"bad-{name}", **attrs))
    assert standing_admits(demand, fits)
    assert not standing_admits(demand, breaks), name
    assert standing_hits(breaks, [demand], [demand]) == []


def test_a_demand_is_admitted_once_words_first() -> None:
    demand = to_index_doc(DEMANDS["tech_need"], with_standing_query=False)
    supply = to_index_doc(SUPPLIES["tech_offer"])
    assert standing_hits(supply, [demand], [demand]) == [demand]


def test_percolate_query_sends_the_projected_supply() -> None:
    body = build_percolate_query(SUPPLIES["pitch"])
    (perc,) = [c["percolate"] for c in body["query"]["bool"]["filter"] if "percolate" in c]
    assert perc["field"] == "standing_query"
    assert perc["document"]["ask_cny"] == 20000000
    doc = to_index_doc(SUPPLIES["pitch"])
    every = {
        *doc["title_seg"].split(),
        *doc["keywords_seg"].split(),
        *doc["description_seg"].split(),
    }
    assert set(perc["document"]["words_seg"].split()) == every
    assert "semantic" not in perc["document"], "the features are not a percolated field"


def test_percolation_is_not_scored_the_supplys_words_order_the_hits() -> None:
    """Scoring a percolate clause runs every matching stored query against the document;
    as a filter the verified candidates are not run. The order comes from the index."""
    query = build_percolate_query(SUPPLIES["pitch"])["query"]["bool"]
    assert "must" not in query
    assert not any("percolate" in c for c in query.get("should", []))
    (ranked,) = query["should"]
    assert ranked["multi_match"]["fields"] == ["title_seg", "keywords_seg"]
    words = set(to_index_doc(SUPPLIES["pitch"])["title_seg"].split())
    assert words <= set(ranked["multi_match"]["query"].split())
