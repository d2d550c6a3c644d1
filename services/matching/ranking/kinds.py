"""Which supply kind answers which demand kind, and back.

The table is the one in ``shared/data/README.md``; every other module of the ranking
core derives its per-kind behaviour from it.
"""

from __future__ import annotations

#: demand kind -> the supply kind that answers it
PAIRS: dict[str, str] = {
    "tech_need": "tech_offer",
    "procurement_need": "product",
    "scenario": "capability",
    "investor_mandate": "pitch",
    "talent_demand": "agency",
}

#: supply kind -> the demand kind it answers
REVERSE_PAIRS: dict[str, str] = {supply: demand for demand, supply in PAIRS.items()}

DEMAND_KINDS: frozenset[str] = frozenset(PAIRS)
SUPPLY_KINDS: frozenset[str] = frozenset(REVERSE_PAIRS)
ALL_KINDS: frozenset[str] = DEMAND_KINDS | SUPPLY_KINDS


def is_demand(kind: str) -> bool:
    """True for a demand kind (the side that carries a standing query)."""
    return kind in DEMAND_KINDS


def counterpart(kind: str) -> str:
    """The kind on the other side of the pair, for either side."""
    if kind in PAIRS:
        return PAIRS[kind]
    if kind in REVERSE_PAIRS:
        return REVERSE_PAIRS[kind]
    raise ValueError(f"unknown record kind: {kind!r}")


def index_name(kind: str, prefix: str = "duijie") -> str:
    """One index per record kind: ``<prefix>-matching-<kind>``."""
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown record kind: {kind!r}")
    return f"{prefix}-matching-{kind.replace('_', '-')}"
