"""seed-demo on the real engine: the demo records appear once; a second run changes nothing."""

from __future__ import annotations

import pytest

from services.scenarios.demo import seed_demo
from tests.integration.scenarios.conftest import SC

pytestmark = pytest.mark.integration


async def test_seed_demo_is_idempotent(sc: SC) -> None:
    first = await seed_demo(sc.deps)
    assert any(line.startswith("batch ") for line in first)
    assert any(line.startswith("proposal ") for line in first)
    assert await seed_demo(sc.deps) == ["scenarios demo data already there"]
    s = (await sc.deps.repos.scenarios.get("demo-scn-imaging")).state  # type: ignore[union-attr]
    assert s.state.value == "published" and s.batch_id
    assert (await sc.deps.repos.scenarios.get("demo-scn-grid")).state.state.value == "submitted"  # type: ignore[union-attr]
