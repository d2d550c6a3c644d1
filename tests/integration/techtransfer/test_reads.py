"""A publish reads its aggregate once on the real engine: the repository's save starts from
what the use case read (at that version) instead of reading it again, and a save at a
version someone else moved past is still refused (the race tests hold that)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.auth import OrgType
from tests.integration.techtransfer.conftest import TT

pytestmark = pytest.mark.integration


async def test_a_publish_reads_the_offer_once(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    draft = await tt.offer(uni, publish=False)
    store = tt.deps.repos.offers.store
    real_get = store.get
    reads: list[str] = []

    async def counted(agg_id: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(agg_id)
        return await real_get(agg_id, *args, **kwargs)

    store.get = counted  # type: ignore[method-assign]
    try:
        answer = await tt.call(uni, "POST", f"/offers/{draft['id']}/publish")
    finally:
        del store.get
    assert answer.status_code == 200, answer.text
    assert reads == [draft["id"]]
    shown = await tt.call(uni, "GET", f"/offers/{draft['id']}")
    assert shown.json()["state"] == "published"
