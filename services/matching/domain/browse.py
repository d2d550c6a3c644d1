"""Browse and saved-search queries: full text, filters and facets per record kind.

Pure builders. The same ``BrowseQuery`` serves the search API and, stored in the
percolator, a user's saved search, so "what I would see if I searched now" and
"what wakes my saved search" are one definition.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from services.matching.ranking.projection import PUBLISHED
from services.matching.ranking.text import segment
from shared.limits import Keyword, no_control_chars

MAX_FILTER_VALUES = 20  # values of one filter

#: facet fields per kind (keyword or integer fields of the index mapping)
FACETS: dict[str, tuple[str, ...]] = {
    "tech_offer": ("domains", "trl", "cooperation_modes"),
    "tech_need": ("domains", "min_trl", "accepted_modes"),
    "product": ("domains", "first_of_kind"),
    "procurement_need": ("domains",),
    "capability": ("domains", "district", "qualifications"),
    "scenario": ("domains", "district", "required_qualifications"),
    "pitch": ("domains", "stage"),
    "investor_mandate": ("domains", "stages", "fund_type"),
    "agency": ("domains", "specialisms", "seniority_range"),
    "talent_demand": ("domains", "seniority"),
}

#: filter name -> index field (any value listed matches)
TERM_FILTERS: dict[str, str] = {
    "domains": "domains",
    "district": "district",
    "stage": "stage",
    "stages": "stages",
    "cooperation_modes": "cooperation_modes",
    "qualifications": "qualifications",
    "seniority": "seniority",
    "seniority_range": "seniority_range",
    "specialisms": "specialisms",
    "fund_type": "fund_type",
}

HIGHLIGHT_FIELDS = ("title", "keywords", "description")
SOURCE_EXCLUDES = ["*_seg", "keywords_exact", "standing_query"]


class BrowseQuery(BaseModel):
    """Text and filters over one kind's published records."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, AfterValidator(no_control_chars)] = Field(
        "", max_length=200, description="full text (Chinese or English)"
    )
    # bounded like every input (issue 17): a saved search keeps these in the percolator
    filters: dict[str, Annotated[list[Keyword], Field(max_length=MAX_FILTER_VALUES)]] = Field(
        default_factory=dict,
        max_length=len(TERM_FILTERS),
        description=f"facet filters; keys: {', '.join(sorted(TERM_FILTERS))}",
    )
    # strict: ``"trl_min": true`` is refused, never read as TRL 1
    trl_min: StrictInt | None = Field(None, ge=1, le=9, description="lowest TRL (offers)")
    trl_max: StrictInt | None = Field(None, ge=1, le=9, description="highest TRL (offers)")

    def unknown_filters(self) -> list[str]:
        return sorted(set(self.filters) - set(TERM_FILTERS))


def text_clause(q: str) -> dict[str, Any] | None:
    """Every bigram (or every word) of ``q`` must appear: precise enough for a saved search."""
    q = q.strip()
    if not q:
        return None
    should: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": q,
                "fields": ["title^3", "keywords^2", "description"],
                "operator": "and",
            }
        }
    ]
    seg = segment(q)
    if seg:
        should.append(
            {
                "multi_match": {
                    "query": seg,
                    "fields": ["title_seg^3", "keywords_seg^2", "description_seg"],
                    "type": "cross_fields",
                    "operator": "and",
                }
            }
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def filter_clauses(kind: str, query: BrowseQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [
        {"term": {"kind": kind}},
        {"term": {"status": PUBLISHED}},
    ]
    for name, values in sorted(query.filters.items()):
        if values:
            clauses.append({"terms": {TERM_FILTERS[name]: values}})
    if query.trl_min is not None or query.trl_max is not None:
        bounds = {"gte": query.trl_min, "lte": query.trl_max}
        clauses.append({"range": {"trl": {k: v for k, v in bounds.items() if v is not None}}})
    return clauses


def percolator_query(kind: str, query: BrowseQuery) -> dict[str, Any]:
    """The query stored for a saved search (run against each newly published record)."""
    text = text_clause(query.q)
    return {"bool": {"filter": filter_clauses(kind, query), "must": [text] if text else []}}


def search_body(kind: str, query: BrowseQuery, *, offset: int, limit: int) -> dict[str, Any]:
    """Search body: hits with highlights, and facet counts over the filtered set."""
    text = text_clause(query.q)
    body: dict[str, Any] = {
        "from": offset,
        "size": limit,
        "track_total_hits": True,
        "_source": {"excludes": SOURCE_EXCLUDES},
        "query": {"bool": {"filter": filter_clauses(kind, query), "must": [text] if text else []}},
        "aggs": {f: {"terms": {"field": f, "size": 30}} for f in FACETS[kind]},
        "highlight": {
            "fields": {
                f: {"number_of_fragments": 3, "fragment_size": 80} for f in HIGHLIGHT_FIELDS
            },
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
        },
    }
    body["sort"] = ["_score", {"id": "asc"}] if text else [{"id": "asc"}]
    return body


def facets_of(kind: str, aggregations: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for field in FACETS[kind]:
        buckets = aggregations.get(field, {}).get("buckets", [])
        out[field] = [
            {"value": b.get("key_as_string", b["key"]), "count": b["doc_count"]} for b in buckets
        ]
    return out
