"""Why a supply does or does not answer a demand: constraints and text overlap.

``explain`` is pure: it checks every hard constraint by name with the values it
compared, and finds the shared words and domains in Python. When the caller has a
search hit with highlights (``build_match_query(..., highlight=True)``), passing it
in adds the engine's own view of which fields and terms matched.
"""

from __future__ import annotations

import re
from typing import Any

from .constraints import check_all
from .query import as_doc

Doc = dict[str, Any]

_EM = re.compile(r"<em>(.*?)</em>")
_TEXT_FIELDS = ("title", "keywords", "description")


def _words(doc: Doc, field: str) -> set[str]:
    return set((doc.get(f"{field}_seg") or "").split())


def text_overlap(demand: Doc, supply: Doc) -> dict[str, Any]:
    """Words (jieba, as indexed) the demand shares with each supply field, and shared domains."""
    d, s = as_doc(demand), as_doc(supply)
    demand_words = set().union(*(_words(d, f) for f in _TEXT_FIELDS))
    per_field = {f: sorted(demand_words & _words(s, f)) for f in _TEXT_FIELDS}
    supply_domains = set(s.get("domains", [])) | set(s.get("specialisms", []))
    shared_kw = sorted(
        {k.lower() for k in d.get("keywords", [])} & {k.lower() for k in s.get("keywords", [])}
    )
    return {
        "matched_terms": sorted(set().union(*per_field.values())),
        "fields": {f: t for f, t in per_field.items() if t},
        "shared_keywords": shared_kw,
        "shared_domains": sorted(set(d.get("domains", [])) & supply_domains),
    }


def highlight_terms(hit: dict[str, Any]) -> dict[str, list[str]]:
    """Terms the engine marked, per field (``*_seg`` folded into its base field)."""
    out: dict[str, set[str]] = {}
    for field, fragments in (hit.get("highlight") or {}).items():
        base = field.removesuffix("_seg")
        for frag in fragments:
            out.setdefault(base, set()).update(_EM.findall(frag))
    return {f: sorted(t) for f, t in out.items()}


def explain(demand: Doc, supply: Doc, hit: dict[str, Any] | None = None) -> dict[str, Any]:
    """Constraint verdicts and text overlap for one (demand, supply) pair.

    ``eligible`` is false when any hard constraint fails; ``failed`` names them (the
    "why not" answer). ``hit`` is an optional search hit for this supply.
    """
    d, s = as_doc(demand), as_doc(supply)
    checks = [c.as_dict() for c in check_all(d, s)]
    out: dict[str, Any] = {
        "demand_id": d.get("id"),
        "supply_id": s.get("id"),
        "eligible": all(c["passed"] for c in checks),
        "constraints": checks,
        "failed": [c["name"] for c in checks if not c["passed"]],
        "text": text_overlap(d, s),
    }
    if hit is not None:
        out["score"] = hit.get("_score")
        out["highlights"] = highlight_terms(hit)
    return out
