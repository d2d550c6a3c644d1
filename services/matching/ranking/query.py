"""Query bodies: supply for a demand, demands for a supply, and the percolator's.

Hard constraints are ``filter`` clauses (see ``constraints``); the score comes only
from text: character bigrams (``cjk``) and jieba words (``*_seg``) with field
boosts, scaled by domain overlap, plus the sentence similarity of the two records
(``semantic``) added on the top hits. ``RankingParams`` holds the knobs so
the relevance harness can measure each one; the defaults are the measured best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import semantic
from .constraints import check_all, forward_filters, reverse_filters
from .kinds import PAIRS, REVERSE_PAIRS
from .projection import PUBLISHED, to_index_doc
from .text import segment, segment_all

Doc = dict[str, Any]


@dataclass(frozen=True)
class RankingParams:
    """Knobs of the text score (all general; none names a query or a term)."""

    filters: bool = True
    cjk: bool = True
    seg: bool = True
    title_boost: float = 1.0
    keywords_boost: float = 1.0
    description_boost: float = 1.0
    seg_weight: float = 1.0
    cjk_weight: float = 1.0
    domain_boost: float = 0.0
    exact_keyword_boost: float = 0.0
    multi_match_type: str = "best_fields"
    tie_breaker: float | None = None
    #: weight of the query built from the record's title + keywords, and from its description
    head_weight: float = 1.0
    body_weight: float = 1.0
    #: each keyword of the record as a phrase (contiguous bigrams) in the other's text
    keyword_phrase_boost: float = 0.0
    #: text score x (1 + domain_factor x share of the record's domains the other side has)
    #: (with ``semantic_weight``: the grid point chosen on every query of the dev set)
    domain_factor: float = 24.0
    #: second-phase window: the costly signals (description bigrams, domain factor) are
    #: computed on the top N hits of the cheap first phase (0: on every hit, slower)
    rescore_window: int = 100
    #: score the record's description (its many words and bigrams) in the second phase only
    body_rescore: bool = True
    #: score jieba words in the second phase only (the first phase ranks by bigrams)
    seg_rescore: bool = True
    #: first phase also matches the title+keywords query against the description field
    first_phase_description: bool = False
    #: send each query word once (the long description repeats words)
    dedupe_words: bool = True
    #: words of the demand's title and keywords the standing query must meet
    standing_min_match: str = "2"
    #: weight of the sentence similarity added (last) to the text x domain score of the
    #: top ``semantic_window`` hits: linear fusion, weight chosen on held-out folds
    semantic_weight: float = 64.0
    #: dimensions of the query vector sent (its largest ones): 64 of 512 cost a quarter of
    #: 128's rank_feature work for -0.002 held out (inside the fold spread)
    semantic_dims: int = 64
    #: the sentence similarity is added on the top N after the text x domain rescoring
    #: (0: on the whole ``rescore_window``); its cost is clauses x window
    semantic_window: int = 50
    #: a demand's standing interest also admits a supply (among the hits of the vector
    #: query) whose vector agrees in sign with the demand's on this share of the demand's
    #: ``standing_sign_dims`` largest dimensions (0: the word gate alone). 0.65 is the
    #: gate the held-out protocol picks (the strictest reaching 0.97 recall on the
    #: training folds: 0.65 in each of 15 fold draws); 0.7 shipped before reached 0.9565
    standing_sign_agreement: float = 0.65
    standing_sign_dims: int = 128
    #: how many of the demands nearest a new supply's vector the vector gate looks at:
    #: bench-relevance's percolator recall is 0.9833 at 10, 15 and 30, with 2,083 / 2,401 /
    #: 2,746 hits (165 / 168 / 171 judged irrelevant); each is a whole document fetched
    standing_vector_depth: int = 10

    def but(self, **changes: Any) -> RankingParams:
        return replace(self, **changes)


DEFAULT_PARAMS = RankingParams()


def as_doc(record: Doc) -> Doc:
    """Accept a record (with ``attributes``) or a projected document, e.g. a hit's
    ``_source``, whose ``*_seg`` fields may have been left out of the response."""
    if "attributes" in record:
        return to_index_doc(record, with_standing_query=False)
    if "title_seg" in record:
        return record
    return {
        **record,
        "title_seg": segment(record.get("title", "")),
        "description_seg": segment(record.get("description", "")),
        "keywords_seg": segment_all(record.get("keywords", [])),
    }


def _fields(p: RankingParams, suffix: str) -> list[str]:
    return [
        f"title{suffix}^{p.title_boost}",
        f"keywords{suffix}^{p.keywords_boost}",
        f"description{suffix}^{p.description_boost}",
    ]


def head_text(doc: Doc) -> str:
    """Title and keywords: what the record is about, in few words."""
    return " ".join([doc.get("title", ""), *doc.get("keywords", [])])


def head_seg(doc: Doc) -> str:
    return " ".join(x for x in (doc.get("title_seg"), doc.get("keywords_seg")) if x)


def _mm(query: str, fields: list[str], p: RankingParams, boost: float) -> dict[str, Any]:
    mm: dict[str, Any] = {"query": query, "fields": fields, "type": p.multi_match_type}
    if p.tie_breaker is not None:
        mm["tie_breaker"] = p.tie_breaker
    return {"multi_match": {**mm, "boost": boost}}


# A query's text is bounded: OpenSearch refuses a query of more than 1,024 clauses in all
# (one per analysed token and field: a long description's CJK bigrams alone pass that),
# and a long query is slow. The first words say what a record is about; the bounds are
# far above the titles and descriptions the relevance set holds (<= 32 and 142 chars).
HEAD_CHARS, BODY_CHARS = 100, 160  # raw text, analysed into CJK bigrams per field
HEAD_WORDS, BODY_WORDS = 50, 80  # distinct segmented words
MAX_KEYWORDS = 20


def _chars(text: str, limit: int) -> str:
    return text[:limit]


def _words(text: str, limit: int) -> str:
    """The first ``limit`` distinct words of a segmented text."""
    return " ".join(list(dict.fromkeys(text.split()))[:limit])


def text_clauses(doc: Doc, p: RankingParams = DEFAULT_PARAMS) -> list[dict[str, Any]]:
    """Every scoring clause, first and second phase together (see ``split_clauses``)."""
    first, second = split_clauses(doc, p)
    return first + second


def split_clauses(
    doc: Doc, p: RankingParams = DEFAULT_PARAMS
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Scoring clauses comparing ``doc``'s text with the counterpart index's fields.

    The record's head (title + keywords) and body (description) are separate
    queries, so the few words that say what the record is about can weigh more
    than the long description around them. Returns (first phase, second phase):
    the second-phase clauses are costly on a large index (the description's many
    bigrams) and are added to the score of the top ``rescore_window`` hits only.
    """
    out: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    parts = [
        (_chars(head_text(doc), HEAD_CHARS), head_seg(doc), HEAD_WORDS, p.head_weight, False),
        (_chars(doc.get("description", ""), BODY_CHARS), doc.get("description_seg", ""),
         BODY_WORDS, p.body_weight, True),
    ]  # fmt: skip
    for raw, seg, words, weight, is_body in parts:
        seg = _words(seg, words) if p.dedupe_words else " ".join(seg.split()[:words])
        target = later if is_body and p.body_rescore and p.rescore_window else out
        if p.cjk and raw.strip() and weight:
            fields = _fields(p, "")
            if target is out and not p.first_phase_description:
                fields = fields[:2]
            target.append(_mm(raw, fields, p, p.cjk_weight * weight))
        if p.seg and seg and weight:
            if p.seg_rescore and p.rescore_window:
                target = later
            target.append(_mm(seg, _fields(p, "_seg"), p, p.seg_weight * weight))
    keywords = list(doc.get("keywords") or [])[:MAX_KEYWORDS]
    if p.keyword_phrase_boost and keywords:
        for kw in keywords:
            out.append(
                {
                    "multi_match": {
                        "query": _chars(kw, HEAD_CHARS),
                        "fields": ["title", "keywords", "description"],
                        "type": "phrase",
                        "boost": p.keyword_phrase_boost,
                    }
                }
            )
    if p.domain_boost and doc.get("domains"):
        out.append({"terms": {"domains": doc["domains"], "boost": p.domain_boost}})
        if doc.get("specialisms"):
            out.append({"terms": {"domains": doc["specialisms"], "boost": p.domain_boost}})
    if p.exact_keyword_boost and keywords:
        kws = [k.lower() for k in keywords]
        out.append({"terms": {"keywords_exact": kws, "boost": p.exact_keyword_boost}})
    return out, later


def _domains(doc: Doc) -> list[str]:
    return list(dict.fromkeys([*doc.get("domains", []), *doc.get("specialisms", [])]))


def _domain_functions(doc: Doc, p: RankingParams) -> list[dict[str, Any]]:
    """Functions summing to 1 + domain_factor x (share of ``doc``'s domains matched)."""
    domains = _domains(doc)
    if not p.domain_factor or not domains:
        return []
    share = p.domain_factor / len(domains)
    functions: list[dict[str, Any]] = [{"weight": 1.0}]
    functions += [{"filter": {"term": {"domains": d}}, "weight": share} for d in domains]
    return functions


def with_second_phase(
    body: dict[str, Any], doc: Doc, later: list[dict[str, Any]], p: RankingParams
) -> dict[str, Any]:
    """Add the deferred text clauses, then scale by domain overlap (scale-free,
    unlike an added constant): as rescorers on the top hits, or in the main query
    when ``rescore_window`` is 0."""
    functions = _domain_functions(doc, p)
    fs = {"functions": functions, "score_mode": "sum"}
    if not p.rescore_window:
        if functions:
            body["query"] = {
                "function_score": {"query": body["query"], **fs, "boost_mode": "multiply"}
            }
        similar = _semantic_clauses(doc, p)
        if similar:
            body["query"] = {"bool": {"must": [body["query"]], "should": similar}}
        return body
    window = max(p.rescore_window, body.get("size", 10))
    rescore: list[dict[str, Any]] = []
    if later:
        rescore.append(
            {
                "window_size": window,
                "query": {"rescore_query": {"bool": {"should": later}}, "score_mode": "total"},
            }
        )
    if functions:
        factor = {"function_score": {"query": {"match_all": {}}, **fs, "boost_mode": "replace"}}
        rescore.append(
            {"window_size": window, "query": {"rescore_query": factor, "score_mode": "multiply"}}
        )
    similar = _semantic_clauses(doc, p)
    if similar:
        # last, so the similarity is added to the text x domain score, not scaled by it
        rescore.append(
            {
                "window_size": max(min(p.semantic_window or window, window), body.get("size", 10)),
                "query": {"rescore_query": {"bool": {"should": similar}}, "score_mode": "total"},
            }
        )
    if rescore:
        body["rescore"] = rescore
    return body


def query_vector(doc: Doc) -> Any:
    """The record's stored vector; one stored before vectors existed is embedded now
    (cached by content hash)."""
    vec = semantic.vector_of(doc)
    if vec is None:
        text = semantic.passage(
            doc.get("title", ""), doc.get("keywords", []), doc.get("description", "")
        )
        vec = semantic.embed(text) if text else None
    return vec


def _semantic_clauses(doc: Doc, p: RankingParams) -> list[dict[str, Any]]:
    if not p.semantic_weight or not p.semantic_dims:
        return []
    vec = query_vector(doc)
    if vec is None:
        return []
    return semantic.similarity_clauses(vec, dims=p.semantic_dims, weight=p.semantic_weight)


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
    first, later = split_clauses(d, params)
    filters: list[dict[str, Any]] = [{"term": {"kind": supply_kind}}]
    if params.filters:
        filters += forward_filters(d)
    body: dict[str, Any] = {
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": ["*_seg", "keywords_exact", "embedding"]},
        "query": {"bool": {"filter": filters, "should": first}},
    }
    body = with_second_phase(body, d, later, params)
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
    first, later = split_clauses(s, params)
    body: dict[str, Any] = {
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": ["*_seg", "keywords_exact", "standing_query"]},
        "query": {"bool": {"filter": filters, "should": first}},
    }
    body = with_second_phase(body, s, later, params)
    if highlight:
        body["highlight"] = _highlight()
    return body


def standing_query(demand: Doc, params: RankingParams = DEFAULT_PARAMS) -> dict[str, Any]:
    """The percolator query stored with a demand: a supply sharing at least
    ``standing_min_match`` words with the demand's title and keywords, in any of its text
    fields (the percolated document carries them all in ``words_seg``).

    Only the word gate is in it, as one ``match`` on one field: the percolator turns that
    into a selective candidate query, so a new supply is verified against the demands it
    shares words with, not against every demand. With the hard filters and a vector gate
    in the stored query it verified every demand of the kind (its candidate selection
    cannot narrow a conjunction with ranges, and sign tokens are shared by any two
    vectors): at 250 / 1,000 / 3,000 demands one percolation cost 68 / 187 / 490 ms of
    engine CPU and admitted 13-20 unrelated demands; as now 9 / 14 / 6 ms, one hit. The
    constraints are checked on the hits in Python (``standing_admits``) and the vector
    gate runs as its own query (``build_semantic_reverse_query``).
    """
    d = as_doc(demand)
    gate_text = _words(head_seg(d), HEAD_WORDS)
    if not gate_text:  # nothing to meet: the reverse and vector queries still find it
        return {"match_none": {}}
    gate = {"query": gate_text, "minimum_should_match": params.standing_min_match}
    return {"match": {"words_seg": gate}}


def words_of(doc: Doc) -> str:
    """Every word of a projected document's text fields, once (the percolated ``words_seg``)."""
    text = " ".join(doc.get(f) or "" for f in ("title_seg", "keywords_seg", "description_seg"))
    return " ".join(dict.fromkeys(text.split()))


def build_percolate_query(supply: Doc, size: int = 10) -> dict[str, Any]:
    """Body for the demand index: published demands whose standing query admits ``supply``
    by its words (then :func:`standing_admits` on each hit), best first.

    The percolate clause is a filter: scored, it ran every admitting standing query
    against the document to score it (on bench data 820 of 1,000 demands admit a
    supply: 14-15 ms of engine CPU a percolation at size 30); as a filter, candidates
    whose extraction is exact are not run (4.5-6 ms). The order among them, which
    matters when more than ``size`` admit it, comes from the index: the supply's words in
    the demand's title and keywords (the words its standing query is made of). On the
    dev set the found pairs are the same at size 200, 30 and 10 (bench-relevance).
    """
    s = as_doc(supply)
    document = {k: v for k, v in s.items() if k not in {"semantic", "standing_query"}}
    words = words_of(s)
    document["words_seg"] = words
    percolate = {"percolate": {"field": "standing_query", "document": document}}
    ranked = {"query": _words(words, BODY_WORDS), "fields": ["title_seg", "keywords_seg"]}
    return {
        "size": size,
        "_source": {"excludes": ["*_seg", "keywords_exact", "standing_query"]},
        "query": {
            "bool": {
                "filter": [
                    {"term": {"kind": REVERSE_PAIRS[s["kind"]]}},
                    {"term": {"status": PUBLISHED}},
                    percolate,
                ],
                "should": [{"multi_match": {**ranked, "type": "most_fields"}}],
            }
        },
    }


def build_semantic_reverse_query(
    supply: Doc, size: int | None = None, *, params: RankingParams = DEFAULT_PARAMS
) -> dict[str, Any] | None:
    """Body for the demand index: the published demands whose sentence vectors are
    nearest ``supply``'s (its ``semantic_dims`` largest dimensions, as the ranking's
    semantic stage), within the supply-side constraints. The standing vector gate
    (:func:`sign_agreement`) is then taken on these hits. None: no vector to ask with."""
    s = as_doc(supply)
    vec = query_vector(s)
    if vec is None or not params.standing_sign_agreement:
        return None
    demand_kind = REVERSE_PAIRS[s["kind"]]
    filters = [
        {"term": {"kind": demand_kind}},
        {"term": {"status": PUBLISHED}},
        *reverse_filters(s, demand_kind),
    ]
    clauses = semantic.similarity_clauses(vec, dims=params.semantic_dims, weight=1.0)
    return {
        "size": params.standing_vector_depth if size is None else size,
        "track_total_hits": False,
        "_source": {"excludes": ["*_seg", "keywords_exact", "standing_query"]},
        "query": {"bool": {"filter": filters, "should": clauses, "minimum_should_match": 1}},
    }


def sign_agreement(
    demand: Doc, supply: Doc, dims: int, *, supply_vector: Any = None
) -> float | None:
    """Share of the demand vector's ``dims`` largest dimensions on which the supply's
    vector has the same sign (None: one has no vector). Both are projected documents;
    ``supply_vector``: the supply's, when the caller has it already."""
    dv = query_vector(demand)
    sv = supply_vector if supply_vector is not None else query_vector(supply)
    if dv is None or sv is None:
        return None
    top = semantic.top_dims(dv, dims)
    return float(np.mean((dv[top] >= 0) == (sv[top] >= 0)))


def standing_admits(
    demand: Doc,
    supply: Doc,
    *,
    by_vector: bool = False,
    params: RankingParams = DEFAULT_PARAMS,
    supply_vector: Any = None,
) -> bool:
    """Whether ``demand``'s standing interest admits ``supply`` (both projected): every
    hard constraint holds and either the words met (a percolator hit) or, for a hit of
    the vector query, the vectors agree in sign on ``standing_sign_agreement`` of the
    demand's ``standing_sign_dims`` largest dimensions."""
    if not all(c.passed for c in check_all(demand, supply)):
        return False
    if not by_vector:
        return True
    dims = params.standing_sign_dims
    share = sign_agreement(demand, supply, dims, supply_vector=supply_vector)
    return share is not None and share >= params.standing_sign_agreement


def standing_hits(
    supply: Doc,
    percolated: list[Doc],
    nearest: list[Doc] = (),  # type: ignore[assignment]
    *,
    params: RankingParams = DEFAULT_PARAMS,
) -> list[Doc]:
    """The demands (hits' ``_source``) whose standing interest admits ``supply``: hits of
    :func:`build_percolate_query` whose constraints hold, then hits of
    :func:`build_semantic_reverse_query` that pass the vector gate; each demand once."""
    s = as_doc(supply)
    found: dict[str, Doc] = {}
    for demand in percolated:
        if demand["id"] not in found and standing_admits(demand, s, params=params):
            found[demand["id"]] = demand
    if params.standing_sign_agreement and nearest:
        sv = query_vector(s)  # once for every hit
        for demand in nearest:
            if demand["id"] not in found and standing_admits(
                demand, s, by_vector=True, params=params, supply_vector=sv
            ):
                found[demand["id"]] = demand
    return list(found.values())
