"""An operator lists and replays dead letters (CLI core and the ``/ops`` API) on the real
Kafka, under a test's own topic and group prefix."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.auth import Caller, OrgType, Role
from shared.consuming import EventConsumer, Inbox
from shared.deadletters import list_dead_letters, replay
from shared.events import Envelope, new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.events.registry import topic_for
from shared.settings import Settings
from shared.web import create_service_app
from tests.integration.backbone.support import eventually, running_consumer
from tests.support.auth import TokenMint

pytestmark = pytest.mark.integration


def _caller(org_type: OrgType) -> Caller:
    return Caller(user_id="u1", user_name="测试", organisation_id="o1", org_type=org_type,
                  role=Role.admin)  # fmt: skip


async def _publish(settings: Settings, ids: list[str]) -> None:
    from shared.broker import create_producer

    producer = create_producer(settings)
    await producer.start()
    try:
        for i in ids:
            demand = TalentDemandPublished(id=i, owner_org_id="o", title="岗位", seniority="mid")
            ev = new_event(demand, subject=i, version=1, source="talent")
            topic = topic_for(ev.type, settings)
            sent = await producer.send(topic, ev.to_json_bytes(), key=i.encode(),
                                       headers=ev.kafka_headers())  # fmt: skip
            await sent
    finally:
        await producer.stop()


async def test_dead_letters_are_listed_and_replayed_once(
    unique_settings: Settings, kafka_available: None, fresh_db: Any, clean_topics: None
) -> None:
    settings = unique_settings
    handled: list[str] = []
    broken = {"d-bad"}

    def setup(consumer: EventConsumer) -> None:
        @consumer.on(TalentDemandPublished)
        async def project(payload: TalentDemandPublished, event: Envelope) -> None:
            if payload.id in broken:
                raise ValueError("cannot project this record")
            handled.append(payload.id)

    async with running_consumer(settings, setup, service="probe", inbox=Inbox(fresh_db),
                                max_attempts=2, backoff=0.01):  # fmt: skip
        await _publish(settings, ["d-ok", "d-bad"])

        async def one_dead() -> bool:
            return len(await list_dead_letters(settings, service="probe")) == 1

        await eventually(one_dead, timeout=60, what="the bad record on the DLQ")
        [entry] = await list_dead_letters(settings, service="probe")
        assert entry.reason == "handler_failed" and entry.error_type == "ValueError"
        assert entry.original_topic == f"{settings.topic_prefix}talent.demand"
        assert entry.event_type == "talent.demand.published" and not entry.replayed
        assert await list_dead_letters(settings, service="someone-else") == []

        # The operator's API: operators only.
        mint = TokenMint()
        app = create_service_app("probe", routers=[], settings=settings)
        app.state.token_verifier = mint.verifier()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            op = {"Authorization": f"Bearer {mint.token(_caller(OrgType.operator))}"}
            ent = {"Authorization": f"Bearer {mint.token(_caller(OrgType.enterprise))}"}
            assert (await client.get("/ops/dead-letters")).status_code == 401
            assert (await client.get("/ops/dead-letters", headers=ent)).status_code == 403
            listed = (await client.get("/ops/dead-letters", headers=op)).json()
            assert listed["total"] == 1 and listed["items"][0]["offset"] == entry.offset
            bad = await client.post("/ops/dead-letters/replay", headers=op,
                                    json={"topic": "talent.demand", "partition": 0})  # fmt: skip
            assert bad.status_code == 422
            broken.clear()  # the fix is deployed: replay
            body = {"topic": entry.topic}
            done = await client.post("/ops/dead-letters/replay", headers=op, json=body)
            assert done.status_code == 200, done.text
            assert done.json()["replayed"] == 1

        async def replayed() -> bool:
            return "d-bad" in handled

        await eventually(replayed, timeout=60, what="the replayed record handled")
        assert sorted(handled) == ["d-bad", "d-ok"]
        # Replaying all again finds nothing new; the listing marks it replayed.
        assert await replay(settings, topic=entry.topic) == []
        [again] = await list_dead_letters(settings, service="probe")
        assert again.replayed
