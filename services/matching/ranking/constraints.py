"""Hard constraints between a demand and a supply record: one definition, three uses.

Each constraint knows how to
- ``check`` a (demand, supply) pair in Python (for explanations and "why not"),
- ``forward`` filter the supply index for a demand (the match query and the
  percolator's standing query, which therefore agree by construction),
- ``reverse`` filter the demand index for a supply (demands the supply answers).

All three read projected index documents (see ``projection.to_index_doc``). A
constraint applies only when the demand states it; a supply lacking the value a
stated constraint needs fails it (it cannot be verified).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .projection import PUBLISHED

Doc = dict[str, Any]
Clause = dict[str, Any]


@dataclass(frozen=True)
class Check:
    """Outcome of one hard constraint on one pair."""

    name: str
    passed: bool
    demand_value: Any
    supply_value: Any
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "demand": self.demand_value,
            "supply": self.supply_value,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Constraint:
    """A named hard rule for one demand kind."""

    name: str
    demand_kind: str | None  # None: every pair
    rule: str
    applies: Callable[[Doc], bool]
    check: Callable[[Doc, Doc], tuple[bool, Any, Any]]
    forward: Callable[[Doc], Clause]
    reverse: Callable[[Doc], Clause]


def _missing(field: str) -> Clause:
    return {"bool": {"must_not": [{"exists": {"field": field}}]}}


def _either(*clauses: Clause) -> Clause:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _rng(field: str, **bounds: Any) -> Clause:
    return {"range": {field: {k: v for k, v in bounds.items() if v is not None}}}


# ---- tech_need -> tech_offer -------------------------------------------------------


def _trl_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    t = s.get("trl")
    return t is not None and t >= d["min_trl"], d["min_trl"], t


def _trl_reverse(s: Doc) -> Clause:
    t = s.get("trl")
    if t is None:
        return _missing("min_trl")
    return _either(_rng("min_trl", lte=t), _missing("min_trl"))


def _modes_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    offered = s.get("cooperation_modes", [])
    return bool(set(d["accepted_modes"]) & set(offered)), d["accepted_modes"], offered


def _modes_reverse(s: Doc) -> Clause:
    offered = s.get("cooperation_modes", [])
    if not offered:
        return _missing("accepted_modes")
    return _either({"terms": {"accepted_modes": offered}}, _missing("accepted_modes"))


# ---- procurement_need -> product -----------------------------------------------------


def _budget_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    lo = s.get("price_min")
    return lo is not None and lo <= d["budget_max"], d["budget_max"], lo


def _budget_reverse(s: Doc) -> Clause:
    lo = s.get("price_min")
    if lo is None:
        return _missing("budget_max")
    return _either(_rng("budget_max", gte=lo), _missing("budget_max"))


# ---- scenario -> capability ------------------------------------------------------------


def _quals_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    held = s.get("qualifications", [])
    missing = [q for q in d["required_qualifications"] if q not in held]
    return not missing, d["required_qualifications"], held


def _quals_forward(d: Doc) -> Clause:
    return {
        "bool": {"filter": [{"term": {"qualifications": q}} for q in d["required_qualifications"]]}
    }


def _quals_reverse(s: Doc) -> Clause:
    held = s.get("qualifications", [])
    if not held:
        return _missing("required_qualifications")
    every_required_held = {
        "terms_set": {
            "required_qualifications": {
                "terms": held,
                "minimum_should_match_field": "required_qualifications_count",
            }
        }
    }
    return _either(every_required_held, _missing("required_qualifications"))


# ---- investor_mandate -> pitch ---------------------------------------------------------


def _stage_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    st = s.get("stage")
    return st is not None and st in d["stages"], d["stages"], st


def _stage_reverse(s: Doc) -> Clause:
    st = s.get("stage")
    if st is None:
        return _missing("stages")
    return _either({"term": {"stages": st}}, _missing("stages"))


def _ticket_applies(d: Doc) -> bool:
    return d.get("ticket_min") is not None or d.get("ticket_max") is not None


def _ticket_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    ask, lo, hi = s.get("ask_cny"), d.get("ticket_min"), d.get("ticket_max")
    ok = ask is not None and (lo is None or ask >= lo) and (hi is None or ask <= hi)
    return ok, [lo, hi], ask


def _ticket_reverse(s: Doc) -> Clause:
    ask = s.get("ask_cny")
    if ask is None:
        return {"bool": {"filter": [_missing("ticket_min"), _missing("ticket_max")]}}
    return {
        "bool": {
            "filter": [
                _either(_rng("ticket_min", lte=ask), _missing("ticket_min")),
                _either(_rng("ticket_max", gte=ask), _missing("ticket_max")),
            ]
        }
    }


# ---- talent_demand -> agency -----------------------------------------------------------


def _seniority_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    rng = s.get("seniority_range", [])
    return d["seniority"] in rng, d["seniority"], rng


def _seniority_reverse(s: Doc) -> Clause:
    rng = s.get("seniority_range", [])
    if not rng:
        return _missing("seniority")
    return _either({"terms": {"seniority": rng}}, _missing("seniority"))


# ---- every pair ----------------------------------------------------------------------


def _status_check(d: Doc, s: Doc) -> tuple[bool, Any, Any]:
    # each direction's filter sees the other side's status; a pair needs both published
    ds, ss = d.get("status", PUBLISHED), s.get("status", PUBLISHED)
    return ds == PUBLISHED and ss == PUBLISHED, ds, ss


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(
        "status",
        None,
        "the supply is published",
        applies=lambda d: True,
        check=_status_check,
        forward=lambda d: {"term": {"status": PUBLISHED}},
        reverse=lambda s: {"term": {"status": PUBLISHED}},
    ),
    Constraint(
        "min_trl",
        "tech_need",
        "supply trl >= demand min_trl",
        applies=lambda d: d.get("min_trl") is not None,
        check=_trl_check,
        forward=lambda d: _rng("trl", gte=d["min_trl"]),
        reverse=_trl_reverse,
    ),
    Constraint(
        "cooperation_modes",
        "tech_need",
        "supply offers one of the demand's cooperation modes",
        applies=lambda d: bool(d.get("accepted_modes")),
        check=_modes_check,
        forward=lambda d: {"terms": {"cooperation_modes": d["accepted_modes"]}},
        reverse=_modes_reverse,
    ),
    Constraint(
        "budget",
        "procurement_need",
        "product lowest price <= buyer max budget",
        applies=lambda d: d.get("budget_max") is not None,
        check=_budget_check,
        forward=lambda d: _rng("price_min", lte=d["budget_max"]),
        reverse=_budget_reverse,
    ),
    Constraint(
        "required_qualifications",
        "scenario",
        "supply holds every required qualification",
        applies=lambda d: bool(d.get("required_qualifications")),
        check=_quals_check,
        forward=_quals_forward,
        reverse=_quals_reverse,
    ),
    Constraint(
        "stage",
        "investor_mandate",
        "pitch stage is one of the mandate's stages",
        applies=lambda d: bool(d.get("stages")),
        check=_stage_check,
        forward=lambda d: {"terms": {"stage": d["stages"]}},
        reverse=_stage_reverse,
    ),
    Constraint(
        "ticket",
        "investor_mandate",
        "ticket_min <= pitch ask <= ticket_max",
        applies=_ticket_applies,
        check=_ticket_check,
        forward=lambda d: _rng("ask_cny", gte=d.get("ticket_min"), lte=d.get("ticket_max")),
        reverse=_ticket_reverse,
    ),
    Constraint(
        "seniority",
        "talent_demand",
        "demand seniority inside the agency's seniority range",
        applies=lambda d: d.get("seniority") is not None,
        check=_seniority_check,
        forward=lambda d: {"term": {"seniority_range": d["seniority"]}},
        reverse=_seniority_reverse,
    ),
)


def constraints_for(demand_kind: str) -> tuple[Constraint, ...]:
    """Every constraint that can apply to a demand of this kind."""
    return tuple(c for c in CONSTRAINTS if c.demand_kind in (None, demand_kind))


def check_all(demand: Doc, supply: Doc) -> list[Check]:
    """Evaluate every applicable constraint on a projected (demand, supply) pair."""
    out = []
    for c in constraints_for(demand["kind"]):
        if c.applies(demand):
            ok, dv, sv = c.check(demand, supply)
            out.append(Check(c.name, bool(ok), dv, sv, c.rule))
    return out


def forward_filters(demand: Doc) -> list[Clause]:
    """Filters on the supply index that a supply must pass to answer ``demand``."""
    return [c.forward(demand) for c in constraints_for(demand["kind"]) if c.applies(demand)]


def reverse_filters(supply: Doc, demand_kind: str) -> list[Clause]:
    """Filters on the demand index for demands whose constraints ``supply`` passes."""
    return [c.reverse(supply) for c in constraints_for(demand_kind)]


__all__ = ["CONSTRAINTS", "Check", "Constraint", "check_all", "forward_filters", "reverse_filters"]
