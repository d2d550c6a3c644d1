"""Clean-up of a test's Kafka topics: every topic named under its throw-away prefix."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient

from shared.settings import Settings


async def drop_topics_under(settings: Settings, prefix: str | None = None) -> None:
    """Delete the topics whose names start with ``prefix`` (default: the settings' own
    ``topic_prefix``), whichever the test or the app under test created."""
    prefix = prefix or settings.topic_prefix
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()
