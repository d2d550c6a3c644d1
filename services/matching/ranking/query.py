"""Query bodies: supply for a demand, demands for a supply, and the percolator's.

Hard constraints are ``filter`` clauses (see ``constraints``); the score comes only
from text: character bigrams (``cjk``) and jieba words (``*_seg``) with field
boosts, plus domain overlap as a soft signal. ``RankingParams`` holds the knobs so
the relevance harness can measure each one; the defaults are the measured best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .constraints import forward_filters, reverse_filters
from .kinds import PAIRS, REVERSE_PAIRS
from .projection import PUBLISHED, to_index_doc

Doc = dict[str, Any]


@dataclass(frozen=True)
class RankingParams:
    """Knobs of the text score (all general; none names a query or a term)."""

    filters: bool = True
    cjk: bool = True
    seg: bool = True
    title_boost: float = 3.0
    keywords_boost: float = 2.0
    description_boost: float = 1.0
    seg_weight: float = 1.0
    cjk_weight: float = 1.0
    domain_boost: float = 1.0
    exact_keyword_boost: float = 1.0
    multi_match_type: str = "most_fields"
    #: words of the demand's title and keywords the standing query must meet
    standing_min_match: str = "2"

    def but(self, **changes: Any) -> RankingParams:
        return replace(self, **changes)


DEFAULT_PARAMS = RankingParams()


def as_doc(record: Doc) -> Doc:
    """Accept a record or an already projected document."""
    if "title_seg" in record:
        return record
    return to_index_doc(record, with_standing_query=False)


def _fields(p: RankingParams, suffix: str) -> list[str]:
    return [
        f"title{suffix}^{p.title_boost}",
        f"keywords{suffix}^{p.keywords_boost}",
        f"description{suffix}^{p.description_boost}",
    ]


def raw_text(doc: Doc) -> str:
    return " ".join(
        [doc.get("title", ""), " ".join(doc.get("keywords", [])), doc.get("description", "")]
    )


def seg_text(doc: Doc) -> str:
    return " ".join(
        x for x in (doc.get("title_seg"), doc.get("keywords_seg"), doc.get("description_seg")) if x
    )


def text_clauses(doc: Doc, p: RankingParams = DEFAULT_PARAMS) -> list[dict[str, Any]]:
    """Scoring clauses comparing ``doc``'s text with the counterpart index's fields."""
    out: list[dict[str, Any]] = []
    if p.cjk:
        out.append(
            {
                "multi_match": {
                    "query": raw_text(doc),
                    "fields": _fields(p, ""),
                    "type": p.multi_match_type,
                    "boost": p.cjk_weight,
                }
            }
        )
    if p.seg and seg_text(doc):
        out.append(
            {
                "multi_match": {
                    "query": seg_text(doc),
                    "fields": _fields(p, "_seg"),
                    "type": p.multi_match_type,
                    "boost": p.seg_weight,
                }
            }
        )
    if p.domain_boost and doc.get("domains"):
        out.append({"terms": {"domains": doc["domains"], "boost": p.domain_boost}})
        if doc.get("specialisms"):
            out.append({"terms": {"domains": doc["specialisms"], "boost": p.domain_boost}})
    if p.exact_keyword_boost and doc.get("keywords"):
        kws = [k.lower() for k in doc["keywords"]]
        out.append({"terms": {"keywords_exact": kws, "boost": p.exact_keyword_boost}})
    return out


def _highlight() -> dict[str, Any]:
    fields = ("title", "keywords", "description", "title_seg", "keywords_seg", "description_seg")
    return {
        "fields": {f: {"number_of_fragments": 0} for f in fields},
        "pre_tags": ["<em>"],
        "post_tags": ["</em>"],
    }


def build_match_query(
    demand: Doc, size: int = 10, *, params: RankingParams = DEFAULT_PARAMS, highlight: bool = False
) -> dict[str, Any]:
    """Search body for the counterpart index of ``demand``: supply ranked for it."""
    d = as_doc(demand)
    supply_kind = PAIRS[d["kind"]]
    filters: list[dict[str, Any]] = [{"term": {"kind": supply_kind}}]
    if params.filters:
        filters += forward_filters(d)
    body: dict[str, Any] = {
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": ["*_seg", "keywords_exact"]},
        "query": {"bool": {"filter": filters, "should": text_clauses(d, params)}},
    }
    if highlight:
        body["highlight"] = _highlight()
    return body


def build_reverse_query(
    supply: Doc, size: int = 10, *, params: RankingParams = DEFAULT_PARAMS, highlight: bool = False
) -> dict[str, Any]:
    """Search body for the demand index: published demands ``supply`` answers, ranked."""
    s = as_doc(supply)
    demand_kind = REVERSE_PAIRS[s["kind"]]
    filters = [{"term": {"kind": demand_kind}}, *reverse_filters(s, demand_kind)]
    body: dict[str, Any] = {
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": ["*_seg", "keywords_exact", "standing_query"]},
        "query": {"bool": {"filter": filters, "should": text_clauses(s, params)}},
    }
    if highlight:
        body["highlight"] = _highlight()
    return body


def standing_query(demand: Doc, params: RankingParams = DEFAULT_PARAMS) -> dict[str, Any]:
    """The percolator query stored with a demand.

    Same hard filters as ``build_match_query`` (so a supply percolated against it
    passes exactly when the forward query would admit it), plus a text gate: the
    supply must share at least ``standing_min_match`` words with the demand's title
    and keywords, so an unrelated supply does not wake every demand of the kind.
    """
    d = as_doc(demand)
    gate_text = " ".join(x for x in (d.get("title_seg"), d.get("keywords_seg")) if x)
    filters: list[dict[str, Any]] = [{"term": {"kind": PAIRS[d["kind"]]}}, *forward_filters(d)]
    must: list[dict[str, Any]] = []
    if gate_text:
        must.append(
            {
                "multi_match": {
                    "query": gate_text,
                    "fields": list(("title_seg", "keywords_seg", "description_seg")),
                    "type": "cross_fields",
                    "operator": "or",
                    "minimum_should_match": params.standing_min_match,
                }
            }
        )
    return {"bool": {"filter": filters, "must": must}}


def build_percolate_query(supply: Doc, size: int = 10) -> dict[str, Any]:
    """Body for the demand index: published demands whose standing query admits ``supply``."""
    s = as_doc(supply)
    return {
        "size": size,
        "_source": {"excludes": ["*_seg", "keywords_exact", "standing_query"]},
        "query": {
            "bool": {
                "filter": [
                    {"term": {"kind": REVERSE_PAIRS[s["kind"]]}},
                    {"term": {"status": PUBLISHED}},
                ],
                "must": [{"percolate": {"field": "standing_query", "document": s}}],
            }
        },
    }
