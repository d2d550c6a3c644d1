"""Why (not): the explanation of any (demand, supply) pair, suggested or not.

Names every hard constraint with the values compared and which failed; when all
pass, compares the pair's text score with the score of the demand's N-th result,
so "ranked below the top N" and "weak text overlap" are told apart.
"""

from __future__ import annotations

from typing import Any

from services.matching.domain.errors import NotFound
from services.matching.ranking import (
    DEFAULT_PARAMS,
    PAIRS,
    build_match_query,
    explain,
)
from services.matching.storage.matches import pair_id
from services.matching.usecases import Deps
from services.matching.usecases.matches import may_see
from services.matching.usecases.pairing import relevant
from shared.auth import Caller

Doc = dict[str, Any]


async def _find(deps: Deps, record_id: str, kinds: list[str]) -> Doc | None:
    for kind in kinds:
        doc = await deps.search.get(kind, record_id)
        if doc is not None:
            return doc
    return None


def verdict(
    result: Doc, score: float | None, cutoff: float | None, top_n: int, close: bool
) -> tuple[str, str]:
    """``close``: the pair passes the suggestion floor (shared words or similarity)."""
    if result["failed"]:
        checks = {c["name"]: c for c in result["constraints"]}
        parts = [
            f"{n} (demand {checks[n]['demand']!r}, supply {checks[n]['supply']!r})"
            for n in result["failed"]
        ]
        return "constraint_failed", "hard constraint failed: " + "; ".join(parts)
    terms = result["text"]["matched_terms"]
    if not score or not close:
        shown = "、".join(terms) or "none"
        return "weak_text", f"weak text overlap: {len(terms)} shared words ({shown})"
    if cutoff is not None and score < cutoff:
        return "below_top", f"text score {score:.2f} is below the #{top_n} result's {cutoff:.2f}"
    return "in_top", f"in the top {top_n} (score {score:.2f})"


async def why_not(deps: Deps, caller: Caller, demand_id: str, supply_id: str) -> Doc:
    demand = await _find(deps, demand_id, sorted(PAIRS))
    if demand is None:
        raise NotFound("demand_id", "not_found", "no such demand", "没有这条需求")
    supply = await _find(deps, supply_id, [PAIRS[demand["kind"]]])
    if supply is None:
        raise NotFound("supply_id", "not_found", f"no {PAIRS[demand['kind']]} with this id",
                       "没有这条供给记录")  # fmt: skip
    owners = {
        "demand_org_id": demand.get("owner_org_id"),
        "supply_org_id": supply.get("owner_org_id"),
    }
    if not may_see(caller, owners):
        raise NotFound("demand_id", "not_found", "no such pair for your organisation",
                       "本机构没有这对记录")  # fmt: skip
    result = explain(demand, supply)
    top_n = deps.settings.top_n
    score = cutoff = None
    hit: Doc | None = None
    if demand.get("status") == "published" and supply.get("status") == "published":
        unfiltered = build_match_query(
            demand, size=1, params=DEFAULT_PARAMS.but(filters=False), highlight=True
        )
        unfiltered["query"]["bool"]["filter"].append({"ids": {"values": [supply_id]}})
        top = build_match_query(demand, size=top_n)
        top["_source"] = False
        kind = supply["kind"]
        one, best = await deps.search.msearch([(kind, unfiltered), (kind, top)])
        hits = one["hits"]["hits"]
        hit = hits[0] if hits else None
        score = float(hit["_score"]) if hit else 0.0
        ranked = best["hits"]["hits"]
        cutoff = float(ranked[-1]["_score"]) if len(ranked) >= top_n else None
    if hit is not None:
        result = explain(demand, supply, hit)
    close = relevant(deps.policy, demand, supply)
    code, text = verdict(result, score, cutoff, top_n, close)
    stored = await deps.repos.matches.get(pair_id(demand_id, supply_id))
    kept = ("rank", "score", "suggested_rank", "feedback", "dismissed", "active")
    return {
        **result,
        "verdict": code,
        "reason": text,
        "score": score,
        "top_n_cutoff": cutoff,
        "stored": None if stored is None else {k: stored.get(k) for k in kept},
    }
