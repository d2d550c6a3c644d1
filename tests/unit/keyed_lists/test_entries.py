"""Keyed list entries: last writer by version, tombstones, which list answers a query,
and which database commands count as scans."""

from __future__ import annotations

import pytest

from shared.keyed_lists import KeyedLists, ListDoc, ListSpec, apply_ops
from shared.scans import fields_of, is_keyed, scans_in

pytestmark = pytest.mark.unit

OWNER = ListSpec("owner", ("owner.org_id",), ("state", "created"))
QUEUE = ListSpec("queue", ("state",), ("created",), (("state", ("submitted",)),))


def test_the_highest_version_wins_in_any_order() -> None:
    ops = [("a", 2, ["published", 2]), ("a", 1, ["draft", 1]), ("b", 1, ["draft", 1])]
    doc = apply_ops(ListDoc(), 2, ops)
    assert doc.ids == ["a", "b"] and doc.cols[0] == ["published", "draft"]
    assert apply_ops(doc, 2, ops) == doc  # a replay changes nothing


def test_a_member_that_left_is_not_brought_back_by_an_older_write() -> None:
    doc = apply_ops(ListDoc(), 2, [("a", 1, ["submitted", 1])])
    doc = apply_ops(doc, 2, [("a", 2, None)])
    assert doc.ids == [] and doc.gone == ["a"]
    late = apply_ops(doc, 2, [("a", 1, ["submitted", 1])])
    assert late.ids == []
    again = apply_ops(late, 2, [("a", 3, ["submitted", 3])])
    assert again.ids == ["a"] and again.gone == []


def _lists() -> KeyedLists:
    lists = KeyedLists.__new__(KeyedLists)
    lists.collection, lists.specs = "things", (OWNER, QUEUE)
    return lists


def test_memberships_follow_the_key_and_only_kept_values() -> None:
    lists = _lists()
    doc = {"_id": "x", "owner": {"org_id": "o1"}, "state": "submitted", "created": 1}
    assert set(lists.memberships(doc)) == {"things/owner/o1", "things/queue/submitted"}
    approved = {**doc, "state": "approved"}
    assert set(lists.memberships(approved)) == {"things/owner/o1"}
    assert lists.memberships({**doc, "owner": {}}).keys() == {"things/queue/submitted"}


def test_a_query_is_planned_on_a_list_only_when_it_pins_the_key() -> None:
    lists = _lists()
    sort = [("created", -1), ("_id", 1)]
    mine = {
        "$and": [{"$or": [{"owner.org_id": "me"}, {"state": "published"}]}, {"owner.org_id": "o1"}]
    }
    assert lists.plan(mine, sort) == (OWNER, ["o1"])
    assert lists.plan({"state": "submitted"}, sort) == (QUEUE, ["submitted"])
    assert lists.plan({"state": "approved"}, sort) is None  # no list kept for it
    assert lists.plan({"owner.org_id": "o1", "title": "x"}, sort) is None  # not in entries
    assert lists.plan({"owner.org_id": "o1"}, [("title", 1)]) is None
    assert lists.plan({"owner.org_id": {"$in": ["o1"]}}, sort) is None


@pytest.mark.parametrize(
    ("flt", "keyed"),
    [
        ({"_id": "a"}, True),
        ({"_id": "a", "user_id": "u"}, True),
        ({"_id": {"$eq": "a"}}, True),
        ({"_id": {"$in": ["a", "b"]}}, False),
        ({"_id": {"$gte": "a"}}, False),
        ({"user_id": "u"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_only_one_id_is_keyed(flt: dict | None, keyed: bool) -> None:
    assert is_keyed(flt) is keyed


def test_scans_name_fields_never_values() -> None:
    command = {"find": "messages", "filter": {"$or": [{"user_id": "secret"}, {"a.b": 1}]}}
    (scan,) = scans_in("find", command, "db")
    assert (scan.collection, scan.fields) == ("messages", "a.b,user_id")
    assert "secret" not in repr(scan)
    update = {"update": "m", "updates": [{"q": {"_id": "x"}}, {"q": {"user_id": "u"}}]}
    assert [s.fields for s in scans_in("update", update, "db")] == ["user_id"]
    count = {"aggregate": "m", "pipeline": [{"$match": {"user_id": "u"}}, {"$group": {}}]}
    assert len(list(scans_in("aggregate", count, "db"))) == 1
    assert not list(scans_in("insert", {"insert": "m", "documents": []}, "db"))
    assert fields_of({}) == "{}"
