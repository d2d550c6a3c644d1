"""Index definition (settings + mappings) for each record kind's index.

Text is analysed twice: the built-in ``cjk`` analyzer (character bigrams) on the raw
fields, and a whitespace analyzer on the ``*_seg`` fields that carry jieba words
segmented in Python (see ``text``). Constraint attributes are typed fields. Every
index maps the attribute fields of both sides of its pair: a demand index holds
percolator queries that read the supply fields, and the engine parses those queries
against the demand index's own mapping.
"""

from __future__ import annotations

from typing import Any

from .kinds import ALL_KINDS, is_demand

_KEYWORD_NAMES = """
    id kind status domains cooperation_modes accepted_modes qualifications
    required_qualifications stage stages seniority seniority_range specialisms district
    fund_type
"""
_KEYWORD = _KEYWORD_NAMES.split()
_INTEGER_NAMES = """
    trl min_trl required_qualifications_count count ip
"""
_INTEGER = _INTEGER_NAMES.split()
_LONG_NAMES = """
    price_min price_max budget_min budget_max ask_cny revenue_cny ticket_min ticket_max
"""
_LONG = _LONG_NAMES.split()

CJK_FIELDS = ("title", "description", "keywords")
SEG_FIELDS = ("title_seg", "description_seg", "keywords_seg")


def analysis_settings() -> dict[str, Any]:
    """Analyzers shared by every matching index."""
    return {
        "analyzer": {
            # jieba words arrive space-separated; latin words are lower-cased and stemmed
            "seg_words": {
                "type": "custom",
                "tokenizer": "whitespace",
                "filter": ["lowercase", "porter_stem"],
            },
        },
        "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}},
    }


IGNORE_ABOVE = 256
"""Characters beyond which a keyword value is not indexed (4 bytes each stays < 32 KB)."""


def mappings(kind: str) -> dict[str, Any]:
    """Field mappings for ``kind``'s index (demand kinds add the percolator field)."""
    # every keyword is bounded: a term longer than Lucene's 32 KB limit would make OpenSearch
    # refuse the whole document, so an over-long value is kept in _source but not indexed
    props: dict[str, Any] = {f: {"type": "keyword", "ignore_above": IGNORE_ABOVE} for f in _KEYWORD}
    props |= {f: {"type": "integer"} for f in _INTEGER}
    props |= {f: {"type": "long"} for f in _LONG}
    props["first_of_kind"] = {"type": "boolean"}
    props |= {f: {"type": "text", "analyzer": "cjk"} for f in CJK_FIELDS}
    props |= {f: {"type": "text", "analyzer": "seg_words"} for f in SEG_FIELDS}
    props["keywords_exact"] = {
        "type": "keyword",
        "normalizer": "lower",
        "ignore_above": IGNORE_ABOVE,
    }
    # the sentence vector: indexed as positive features for rank_feature scoring (see
    # ``semantic``), kept compact in _source for building queries from a stored record
    props["semantic"] = {"type": "rank_features"}
    props["embedding"] = {"type": "binary"}
    # every word of a percolated document's text, what standing queries meet (never
    # stored: see query.standing_query)
    props["words_seg"] = {"type": "text", "analyzer": "seg_words", "norms": False}
    if is_demand(kind):
        props["standing_query"] = {"type": "percolator"}
    return {"dynamic": False, "_source": {"excludes": ["semantic"]}, "properties": props}


def index_definition(kind: str, *, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Body for ``indices.create`` of ``kind``'s index."""
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown record kind: {kind!r}")
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas},
            "analysis": analysis_settings(),
        },
        "mappings": mappings(kind),
    }
