"""``update_one_where`` on the project's MongoDB-wire server: the conditional update that
FerretDB 1.x would otherwise answer with a collection scan."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.db import is_ferretdb, matches_by_id, update_one_where

pytestmark = pytest.mark.integration


async def test_the_local_server_is_recognised_as_ferretdb(fresh_db: AsyncDatabase[Any]) -> None:
    assert await is_ferretdb(fresh_db)  # the by-_id path below is the one exercised


async def test_updates_only_a_document_holding_the_expected_values(
    fresh_db: AsyncDatabase[Any],
) -> None:
    col = fresh_db["things"]
    await col.insert_many([{"_id": "a", "version": 1}, {"_id": "b", "version": 1, "n": None}])

    assert await update_one_where(col, "a", {"version": 1}, {"$set": {"version": 2}})
    assert not await update_one_where(col, "a", {"version": 1}, {"$set": {"version": 3}})
    assert not await update_one_where(col, "missing", {"version": 1}, {"$set": {"version": 2}})
    assert await update_one_where(col, "b", {"n": None}, {"$set": {"n": 5}})  # None: unset
    assert not await update_one_where(col, "b", {"n": None}, {"$set": {"n": 6}})

    assert await col.find_one({"_id": "a"}) == {"_id": "a", "version": 2}
    assert (await col.find_one({"_id": "b"}))["n"] == 5
    assert await matches_by_id(col, "a", {"version": 2})
    assert not await matches_by_id(col, "a", {"version": 1})
