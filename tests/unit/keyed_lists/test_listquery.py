"""The in-memory filter evaluator keyed lists answer with, against MongoDB's meaning."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.listquery import Unsupported, matches, referenced, sort_docs

pytestmark = pytest.mark.unit

T = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DOC = {
    "_id": "a",
    "state": "published",
    "owner": {"org_id": "o1"},
    "content": {"domains": ["ai", "energy"], "trl": 6},
    "created": T,
    "read_at": None,
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, True),
        ({"state": "published"}, True),
        ({"state": "draft"}, False),
        ({"owner.org_id": "o1"}, True),
        ({"content.domains": "ai"}, True),  # a scalar against an array: contains
        ({"content.domains": "bio"}, False),
        ({"read_at": None}, True),
        ({"missing": None}, True),  # None matches a missing field
        ({"state": {"$ne": "draft"}}, True),
        ({"state": {"$in": ["draft", "closed"]}}, False),
        ({"state": {"$nin": ["draft"]}}, True),
        ({"content.trl": {"$gte": 6, "$lte": 9}}, True),
        ({"content.trl": {"$gt": 6}}, False),
        ({"created": {"$lt": T + dt.timedelta(1)}}, True),
        ({"created": {"$lt": T.replace(tzinfo=None)}}, False),  # naive read as UTC
        ({"content.trl": {"$gt": "6"}}, False),  # across types: never
        ({"$or": [{"owner.org_id": "o2"}, {"state": "published"}]}, True),
        ({"$and": [{"owner.org_id": "o1"}, {"state": "draft"}]}, False),
        ({"read_at": {"$exists": False}}, True),
    ],
)
def test_matches_like_mongodb(query: dict, expected: bool) -> None:
    assert matches(query, DOC) is expected


def test_an_operator_it_does_not_know_is_refused_not_guessed() -> None:
    with pytest.raises(Unsupported):
        referenced({"title": {"$regex": "x"}})
    with pytest.raises(Unsupported):
        matches({"$where": "1"}, DOC)


def test_referenced_names_every_path() -> None:
    query = {"$and": [{"$or": [{"owner.org_id": "o"}, {"state": "published"}]}, {"x": 1}]}
    assert referenced(query) == {"owner.org_id", "state", "x"}


def test_sort_newest_first_then_id() -> None:
    docs = [
        {"_id": "b", "created": T},
        {"_id": "a", "created": T},
        {"_id": "c", "created": T + dt.timedelta(1)},
        {"_id": "d", "created": None},
    ]
    ordered = sort_docs(docs, [("created", -1), ("_id", 1)])
    assert [d["_id"] for d in ordered] == ["c", "a", "b", "d"]
