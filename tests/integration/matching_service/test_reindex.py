"""``reindex`` rebuilds a kind from its topic (earliest offset) and swaps the alias."""

from __future__ import annotations

import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from services.matching.reindex import reindex_kind
from services.matching.sources import topic_for
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from shared.settings import Settings
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration


def envelope(rec, verb: str, version: int) -> bytes:
    # the techtransfer contract's shape: attributes are top-level fields
    data = {k: v for k, v in rec.model_dump().items() if k not in ("attributes", "kind")}
    data |= {"trl": rec.attributes["trl"], "cooperation_modes": rec.attributes["cooperation_modes"],
             "patent_count": rec.attributes["ip"]}  # fmt: skip
    if verb == "withdrawn":
        data = {"id": rec.id, "owner_org_id": rec.owner_org_id}
    return json.dumps(
        {"id": uuid.uuid4().hex, "source": "techtransfer", "type": f"techtransfer.offer.{verb}",
         "subject": rec.id, "version": version, "data": data, "time": "2026-01-01T00:00:00Z"}
    ).encode()  # fmt: skip


async def test_reindex_rebuilds_from_the_topic_and_swaps_the_alias(
    deps: Deps, settings: Settings
) -> None:
    kept, gone = record("tech_offer", "org-a"), record("tech_offer", "org-b")
    edited = kept.model_copy(update={"title": "第二版：" + kept.title})
    topic = topic_for("tech_offer", settings.topic_prefix)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for rec, verb, version in [
            (kept, "published", 1), (gone, "published", 1), (edited, "updated", 2),
            (gone, "withdrawn", 2), (kept, "published", 1),  # a stray replay
        ]:  # fmt: skip
            await producer.send_and_wait(topic, envelope(rec, verb, version), key=rec.id.encode())
    finally:
        await producer.stop()
    # the live index only ever saw the first version of one record
    await apply_change(deps, change(kept))
    alias = deps.search.alias("tech_offer")
    before = await deps.search.concrete_indexes(alias)

    report = await reindex_kind(
        deps.search, settings.kafka_bootstrap, "tech_offer", topic_prefix=settings.topic_prefix
    )

    after = await deps.search.concrete_indexes(alias)
    assert after == [report.index] and report.replaced == before
    assert report.events == 5 and report.records == 2
    doc = await deps.search.get("tech_offer", kept.id)
    assert doc["title"].startswith("第二版") and doc["_version"] == 2
    assert (await deps.search.get("tech_offer", gone.id))["status"] == "withdrawn"
    # the projection keeps working through the alias after the swap
    assert (await apply_change(deps, change(edited, "updated", version=2))).outcome.value == "same"
