"""The engines of the local stack are real: Kafka, OpenSearch and FerretDB answer the
same calls the services make."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from opensearchpy import AsyncOpenSearch
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from shared.settings import get_settings

pytestmark = pytest.mark.integration


async def test_kafka_produces_and_consumes_a_keyed_message() -> None:
    settings = get_settings()
    topic = f"stack-test-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, '{"hello":"对接"}'.encode(), key=b"need-1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=f"{topic}-group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        message = await asyncio.wait_for(consumer.getone(), timeout=30)
        await consumer.commit()
    finally:
        await consumer.stop()
    assert message.key == b"need-1"
    assert message.value == '{"hello":"对接"}'.encode()
    assert (message.partition, message.offset) == (sent.partition, sent.offset)


async def test_opensearch_finds_chinese_text_by_a_two_character_query() -> None:
    client = AsyncOpenSearch(hosts=[get_settings().opensearch_url])
    index = f"stack-test-{uuid.uuid4().hex[:8]}"
    try:
        info = await client.info()
        assert info["version"]["distribution"] == "opensearch"
        await client.indices.create(
            index=index,
            body={"mappings": {"properties": {"title": {"type": "text", "analyzer": "cjk"}}}},
        )
        await client.index(index=index, id="1", body={"title": "基于深度学习的工业视觉缺陷检测"})
        await client.index(index=index, id="2", body={"title": "锂电池正极材料回收工艺"})
        await client.indices.refresh(index=index)
        found = await client.search(index=index, body={"query": {"match": {"title": "视觉"}}})
        assert [hit["_id"] for hit in found["hits"]["hits"]] == ["1"]
    finally:
        await client.indices.delete(index=index, ignore_unavailable=True)
        await client.close()


async def test_ferretdb_writes_queries_by_index_and_rejects_a_duplicate() -> None:
    client: AsyncMongoClient = AsyncMongoClient(get_settings().mongo_url)
    db = client[f"stack_test_{uuid.uuid4().hex[:8]}"]
    try:
        info = await client.admin.command("buildInfo")
        assert "ferretdbVersion" in info
        await db.orgs.create_index("credit_code", unique=True)
        await db.orgs.insert_many(
            [
                {"_id": "o1", "credit_code": "91110108MA01ABCD1X", "name": "北京甲科技"},
                {"_id": "o2", "credit_code": "91110105MA02WXYZ3K", "name": "北京乙材料"},
            ]
        )
        found = await db.orgs.find_one({"credit_code": "91110105MA02WXYZ3K"})
        assert found is not None and found["name"] == "北京乙材料"
        with pytest.raises(DuplicateKeyError):
            await db.orgs.insert_one({"_id": "o3", "credit_code": "91110108MA01ABCD1X"})
        assert await db.orgs.count_documents({}) == 2
    finally:
        await client.drop_database(db.name)
        await client.close()
