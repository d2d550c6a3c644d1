"""explain(): constraint verdicts by name with values, and text overlap."""

from __future__ import annotations

import pytest

from services.matching.ranking import explain
from services.matching.ranking.explain import highlight_terms

from .records import DEMANDS, SUPPLIES, variant

pytestmark = pytest.mark.unit


def test_eligible_pair_lists_every_passed_constraint_and_shared_terms() -> None:
    out = explain(DEMANDS["tech_need"], SUPPLIES["tech_offer"])
    assert out["eligible"] is True and out["failed"] == []
    names = [c["name"] for c in out["constraints"]]
    assert names == ["status", "min_trl", "cooperation_modes"]
    trl = next(c for c in out["constraints"] if c["name"] == "min_trl")
    assert (trl["demand"], trl["supply"]) == (6, 8)
    assert "极片" in out["text"]["matched_terms"] or "极片检测" in out["text"]["matched_terms"]
    assert set(out["text"]["shared_domains"]) == {"energy", "ai"}
    assert "机器视觉" in out["text"]["shared_keywords"]


def test_why_not_names_the_failed_constraint_with_values() -> None:
    pitch = variant(SUPPLIES["pitch"], "late", stage="c_plus", ask_cny=90000000)
    out = explain(DEMANDS["investor_mandate"], pitch)
    assert out["eligible"] is False
    assert out["failed"] == ["stage", "ticket"]
    ticket = next(c for c in out["constraints"] if c["name"] == "ticket")
    assert ticket == {
        "name": "ticket",
        "passed": False,
        "demand": [5000000, 30000000],
        "supply": 90000000,
        "rule": "ticket_min <= pitch ask <= ticket_max",
    }


def test_engine_highlights_are_folded_per_field() -> None:
    hit = {
        "_score": 3.5,
        "highlight": {
            "title": ["<em>锂电</em><em>电池</em>极片"],
            "title_seg": ["<em>锂电池</em> 极片"],
            "description": ["在线<em>检测</em>"],
        },
    }
    assert highlight_terms(hit) == {"title": ["电池", "锂电", "锂电池"], "description": ["检测"]}
    out = explain(DEMANDS["tech_need"], SUPPLIES["tech_offer"], hit=hit)
    assert out["score"] == 3.5 and "title" in out["highlights"]
