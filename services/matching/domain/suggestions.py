"""When a ranked pair becomes a ``matching.match.suggested`` event.

A pair is suggested when it first enters the demand's top N, or when it has risen
markedly (``rise_ranks`` places or more) since it was last suggested — never on a
small move, never when it fell, and never once the demander dismissed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    entered_top = "entered_top"
    rose = "rose"
    saved_search = "saved_search"


@dataclass(frozen=True)
class SuggestionPolicy:
    top_n: int = 10
    rise_ranks: int = 3
    #: a hit sharing fewer words than this with the demand is not a match at all (the
    #: engine still scores it on stray bigrams); the percolator's text gate uses 2 too
    min_shared_terms: int = 2
    #: ... unless the two records' sentence vectors are at least this similar (cosine):
    #: a paraphrase, the same need in other words (None, the default: the word floor
    #: alone). Off by default because no threshold separates the two: paraphrases sharing
    #: no word score ~0.33-0.38, but unrelated records ~0.23 at the median, 0.33 at the
    #: 90th percentile and 0.41 at the 99th (bench-pipeline's records), so any threshold
    #: that admits the paraphrase admits a fixed share of the whole market: at 0.25 a
    #: record of a few hundred published ones was paired with 20-30 unrelated ones (the
    #: pipeline's records went from 1 pair to 19-29 each) and suggested to up to 10
    min_similarity: float | None = None
    #: a stored pair whose rank is the same and whose score moved less than this share is
    #: not rewritten
    score_tolerance: float = 0.05


def relevant_enough(
    policy: SuggestionPolicy, matched_terms: list[str], similarity: float | None = None
) -> bool:
    """Whether a constraint-passing hit is close enough to be ranked at all: it shares
    enough words with the demand, or says the same in other words (``similarity``, the
    cosine of their sentence vectors; None when one has no vector)."""
    if len(matched_terms) >= policy.min_shared_terms:
        return True
    return (
        similarity is not None
        and policy.min_similarity is not None
        and similarity >= policy.min_similarity
    )


def decide(
    policy: SuggestionPolicy,
    *,
    rank: int | None,
    suggested_rank: int | None,
    dismissed: bool,
) -> Reason | None:
    """The reason to suggest a pair now at ``rank`` (None: do not).

    ``suggested_rank`` is the rank at the last suggestion (None: never suggested).
    """
    if dismissed or rank is None or rank > policy.top_n:
        return None
    if suggested_rank is None:
        return Reason.entered_top
    if suggested_rank - rank >= policy.rise_ranks:
        return Reason.rose
    return None


def summary(reason: Reason, rank: int, previous: int | None, terms: list[str]) -> str:
    """A short reason for readers, Chinese first (no personal data: ranks and matched
    words only)."""
    shown = "、".join(terms[:5])
    words = f"；匹配关键词：{shown}" if shown else ""
    if reason is Reason.rose and previous is not None:
        return f"排名从第 {previous} 位升至第 {rank} 位{words}"
    if reason is Reason.saved_search:
        return f"新发布的记录符合您保存的检索条件{words}"
    return f"进入推荐前列，排名第 {rank} 位{words}"
