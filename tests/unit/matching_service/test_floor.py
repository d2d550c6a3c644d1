"""The suggestion floor: enough shared words, or a sentence similarity high enough."""

from __future__ import annotations

import pytest

from services.matching.domain.suggestions import SuggestionPolicy, relevant_enough
from services.matching.ranking import to_index_doc
from services.matching.settings import MatchingSettings
from services.matching.usecases.pairing import relevant, shared_terms
from tests.integration.matching_service.records import record

pytestmark = pytest.mark.unit

# the procurement need of ``tests/integration/matching_service/records`` (user-side energy
# storage for a park) in other words, sharing fewer than 2 words with it
PARAPHRASE = {
    "title": "工商业蓄电柜",
    "description": "磷酸铁锂电池柜，夜间低谷充电、白天高峰放电，帮工厂降低电费，并带自动灭火。",
    "keywords": ["蓄电柜", "电费", "自动灭火"],
}
UNRELATED = {
    "title": "奶牛发情监测智能项圈",
    "description": "佩戴在奶牛颈部，监测活动量和反刍，提示发情与疾病。",
    "keywords": ["牧场", "奶牛", "项圈"],
}
POLICY = SuggestionPolicy(min_shared_terms=2, min_similarity=0.4)


@pytest.mark.parametrize(
    ("terms", "similarity", "expected"),
    [
        (["储能", "消防"], None, True),  # two shared words: in, whatever the vectors
        (["储能", "消防"], 0.0, True),
        (["储能"], None, False),  # one word and no vector: out
        (["储能"], 0.39, False),
        (["储能"], 0.4, True),  # a paraphrase
        ([], 0.7, True),
    ],
)
def test_words_or_similarity(terms: list[str], similarity: float | None, expected: bool) -> None:
    assert relevant_enough(POLICY, terms, similarity) is expected


def test_without_a_similarity_floor_only_words_count() -> None:
    words_only = SuggestionPolicy(min_similarity=None)
    assert not relevant_enough(words_only, ["储能"], 0.99)


def _projected(kind: str, **text: object) -> dict:
    return to_index_doc(record(kind, "org", **text).as_record(), with_standing_query=False)


def test_the_similarity_floor_admits_the_paraphrase_and_not_the_unrelated_record() -> None:
    policy = SuggestionPolicy(min_shared_terms=2, min_similarity=0.3)
    need = _projected("procurement_need")
    para, cow = _projected("product", **PARAPHRASE), _projected("product", **UNRELATED)
    assert len(shared_terms(need, para)) < policy.min_shared_terms  # the word floor drops it
    assert relevant(policy, need, para)
    assert len(shared_terms(need, cow)) < policy.min_shared_terms
    assert not relevant(policy, need, cow)


def test_without_a_floor_no_cosine_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    # every ranked hit short of shared words passes here: decoding two vectors per hit
    # for a threshold that is off is work on the hot path for nothing
    import services.matching.usecases.pairing as pairing

    def refuse(*_: object) -> float:
        raise AssertionError("cosine taken with the similarity floor off")

    monkeypatch.setattr(pairing.semantic, "similarity", refuse)
    need = _projected("procurement_need")
    assert not relevant(
        SuggestionPolicy(min_similarity=None), need, _projected("product", **UNRELATED)
    )


def test_the_service_default_is_the_word_floor_alone() -> None:
    # a cosine threshold admits a share of every unrelated record in the market (flooding)
    assert MatchingSettings().min_similarity is None
    need = _projected("procurement_need")
    policy = SuggestionPolicy(min_shared_terms=MatchingSettings().min_shared_terms)
    assert not relevant(policy, need, _projected("product", **PARAPHRASE))
