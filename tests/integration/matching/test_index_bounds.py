"""Keyword bounds on the real OpenSearch: an index made before the bounds gets them at
start, and a record with an immense keyword is indexed (the value kept, not indexed)."""

from __future__ import annotations

from typing import Any

import pytest

from services.matching.ranking import index_definition
from services.matching.ranking.mappings import IGNORE_ABOVE
from services.matching.storage.search import SearchProjection
from shared.settings import Settings

pytestmark = pytest.mark.integration

KIND = "tech_offer"


def _unbounded(body: dict[str, Any]) -> dict[str, Any]:
    props = body["mappings"]["properties"]
    for spec in props.values():
        spec.pop("ignore_above", None)
    return body


async def test_an_index_made_before_the_bounds_is_bounded_at_start(
    search_client: Any, unique_settings: Settings
) -> None:
    search = SearchProjection(search_client, unique_settings.index_prefix)
    alias = search.alias(KIND)
    await search_client.indices.create(index=f"{alias}-v1", body=_unbounded(index_definition(KIND)))
    await search_client.indices.put_alias(index=f"{alias}-v1", name=alias)

    await search.ensure_indexes([KIND])

    mapping = await search_client.indices.get_mapping(index=alias)
    props = next(iter(mapping.values()))["mappings"]["properties"]
    assert props["keywords_exact"]["ignore_above"] == IGNORE_ABOVE
    assert props["domains"]["ignore_above"] == IGNORE_ABOVE


async def test_an_immense_keyword_does_not_make_the_document_refused(
    search_client: Any, unique_settings: Settings
) -> None:
    search = SearchProjection(search_client, unique_settings.index_prefix)
    await search.ensure_indexes([KIND])
    alias = search.alias(KIND)
    immense = "键" * 12_000  # 36,000 bytes in UTF-8: beyond Lucene's term limit
    await search_client.index(
        index=alias,
        id="r1",
        body={"keywords_exact": [immense, "储能"], "title": "储能电池"},
        refresh=True,
    )
    hits = await search_client.search(
        index=alias, body={"query": {"term": {"keywords_exact": "储能"}}}
    )
    assert [h["_id"] for h in hits["hits"]["hits"]] == ["r1"]
    assert (await search_client.get(index=alias, id="r1"))["_source"]["keywords_exact"][
        0
    ] == immense
