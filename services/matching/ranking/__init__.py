"""Ranking core of the matching service: pure builders around one OpenSearch index per kind.

- ``kinds``: which supply kind answers which demand kind (``PAIRS``, ``REVERSE_PAIRS``).
- ``mappings.index_definition(kind)``: settings + mappings (cjk bigrams, jieba words,
  typed constraint fields, a percolator field on demand indices).
- ``projection.to_index_doc(record)``: record → indexed document.
- ``query.build_match_query(demand)`` / ``build_reverse_query(supply)``: search bodies;
  hard constraints are filters. A demand's standing interest in new supply:
  ``build_percolate_query(supply)`` (its words) and ``build_semantic_reverse_query(supply)``
  (its vector), whose hits ``standing_hits`` keeps when the constraints and gates hold.
- ``explain.explain(demand, supply)``: constraints passed/failed and text overlap.
- ``semantic``: the sentence model (loaded once per process, vectors cached by content
  hash) and the rank_feature arithmetic that scores the vectors in the engine.
"""

from . import semantic
from .constraints import CONSTRAINTS, Check, check_all
from .explain import explain
from .kinds import PAIRS, REVERSE_PAIRS, counterpart, index_name, is_demand
from .mappings import index_definition
from .projection import to_index_doc
from .query import (
    DEFAULT_PARAMS,
    RankingParams,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    build_semantic_reverse_query,
    standing_admits,
    standing_hits,
    standing_query,
)

__all__ = [
    "CONSTRAINTS",
    "DEFAULT_PARAMS",
    "PAIRS",
    "REVERSE_PAIRS",
    "Check",
    "RankingParams",
    "build_match_query",
    "build_percolate_query",
    "build_reverse_query",
    "build_semantic_reverse_query",
    "check_all",
    "counterpart",
    "explain",
    "index_definition",
    "index_name",
    "is_demand",
    "semantic",
    "standing_admits",
    "standing_hits",
    "standing_query",
    "to_index_doc",
]
