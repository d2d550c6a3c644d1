# ruff: noqa: E501
"""Pure rules: when a suggestion fires, feedback, event translation, browse queries."""

from __future__ import annotations

import pytest

from services.matching.domain.browse import BrowseQuery, percolator_query, search_body
from services.matching.domain.feedback import Feedback, dismissed_after
from services.matching.domain.records import Verb, tombstone
from services.matching.domain.suggestions import Reason, SuggestionPolicy, decide
from services.matching.sources import KIND_TOPICS, parse_type
from services.matching.translate import record_change_from

pytestmark = pytest.mark.unit
POLICY = SuggestionPolicy(top_n=10, rise_ranks=3)


@pytest.mark.parametrize(
    ("rank", "suggested_rank", "dismissed", "expected"),
    [
        (1, None, False, Reason.entered_top),
        (10, None, False, Reason.entered_top),
        (11, None, False, None),  # outside the top N
        (None, None, False, None),  # dropped out
        (9, 10, False, None),  # a small rise
        (7, 10, False, Reason.rose),  # a marked rise
        (1, 4, False, Reason.rose),
        (5, 2, False, None),  # a fall
        (1, None, True, None),  # dismissed: never again
        (1, 9, True, None),
    ],
)
def test_when_a_suggestion_fires(rank, suggested_rank, dismissed, expected) -> None:
    assert decide(POLICY, rank=rank, suggested_rank=suggested_rank, dismissed=dismissed) is expected


def test_a_dismissal_is_final() -> None:
    assert dismissed_after(Feedback.not_relevant, False)
    assert not dismissed_after(Feedback.contacted, False)
    assert dismissed_after(Feedback.contacted, True)
    assert dismissed_after(Feedback.relevant, True)


def test_every_kind_has_a_topic_and_types_parse_back() -> None:
    for kind, topic in KIND_TOPICS.items():
        for verb in ("published", "updated", "withdrawn"):
            assert parse_type(f"{topic}.{verb}") == (kind, verb)
    assert parse_type("techtransfer.need.drafted") is None
    assert parse_type("identity.organisation.updated") is None


def test_an_envelope_becomes_a_record_change() -> None:
    """Market contracts (flat fields) become the dataset shape via ``to_record()``."""
    data = {"id": "n1", "owner_org_id": "org-1", "title": "t", "description": "d",
            "domains": ["ai"], "keywords": ["k"], "min_trl": 5, "cooperation_modes": ["license"],
            "budget_cny": [1, 2], "status": "published"}  # fmt: skip
    env = {"id": "e1", "type": "techtransfer.need.published", "subject": "n1", "version": 3, "data": data}  # fmt: skip
    change = record_change_from(env)
    assert change is not None and change.verb is Verb.published and change.version == 3
    assert change.record.id == "n1" and change.record.owner_org_id == "org-1"
    assert change.record.attributes == {"min_trl": 5, "cooperation_modes": ["license"], "budget_cny": [1, 2]}  # fmt: skip
    bare = {"id": "e2", "type": "techtransfer.need.withdrawn", "subject": "n1", "version": 4,
            "data": {"id": "n1", "owner_org_id": "org-1"}}  # fmt: skip
    withdrawn = record_change_from(bare)
    assert withdrawn is not None and withdrawn.is_withdrawal and withdrawn.record.id == "n1"
    assert tombstone(withdrawn.record) == {"id": "n1", "kind": "tech_need", "status": "withdrawn", "owner_org_id": "org-1"}  # fmt: skip
    assert record_change_from({"type": "talent.claim.created", "data": {}}) is None


def test_browse_and_saved_search_share_filters() -> None:
    query = BrowseQuery(q="储能", filters={"domains": ["energy"]}, trl_min=6)
    body = search_body("tech_offer", query, offset=10, limit=10)
    stored = percolator_query("tech_offer", query)
    assert body["query"] == stored and body["from"] == 10
    filters = stored["bool"]["filter"]
    assert {"term": {"status": "published"}} in filters
    assert {"terms": {"domains": ["energy"]}} in filters
    assert {"range": {"trl": {"gte": 6}}} in filters
    assert set(body["aggs"]) == {"domains", "trl", "cooperation_modes"}
    assert BrowseQuery(filters={"colour": ["red"]}).unknown_filters() == ["colour"]
