"""Every keyword field in every record index is bounded, so no value can be an immense term."""

from __future__ import annotations

import pytest

from services.matching.ranking import mappings as m
from services.matching.ranking.kinds import ALL_KINDS


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_keyword_field_has_ignore_above(kind: str) -> None:
    props = m.mappings(kind)["properties"]
    keywords = {name: spec for name, spec in props.items() if spec.get("type") == "keyword"}
    assert keywords, "a record index without keyword fields is not what the ranking expects"
    unbounded = [name for name, spec in keywords.items() if "ignore_above" not in spec]
    assert unbounded == []
    # 4 bytes per character at most, and Lucene's term limit is 32,766 bytes
    assert all(spec["ignore_above"] * 4 < 32_766 for spec in keywords.values())
