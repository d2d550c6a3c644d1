"""The running reader picks up what is published after start-up (in a year of its own,
so the other tests' figures stand), and the profile shows it at once."""

from __future__ import annotations

import datetime as dt

import pytest
from aiokafka import AIOKafkaProducer

from shared.auth import OrgType
from shared.events import new_event, topic_for
from shared.events.contracts.techtransfer import TechNeedPublished
from tests.integration.reporting.conftest import RP, wait_for

pytestmark = pytest.mark.integration


async def test_a_need_published_later_is_counted(rp: RP) -> None:
    env = new_event(TechNeedPublished(id="need-live", owner_org_id="ent-a", title="新需求",
                                      domains=["ai"]), subject="need-live", version=1,
                    source="techtransfer")  # fmt: skip
    env = env.model_copy(update={"time": dt.datetime(2026, 2, 1, tzinfo=dt.UTC)})
    producer = AIOKafkaProducer(bootstrap_servers=rp.settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic_for(env.type, rp.settings), env.to_json_bytes(),
                                     key=env.kafka_key())  # fmt: skip
    finally:
        await producer.stop()
    rp.published += 1  # what a rebuild will read
    model = rp.deps.projector.model
    await wait_for(lambda: "need-live" in model.cases, timeout=30, what="the new need read")
    ent_a = rp.caller(OrgType.enterprise, "ent-a", "haidian")
    profile = (await rp.get(ent_a, "/enterprises/ent-a/profile")).json()
    assert profile["published"]["techtransfer"] == 2
    funnels = (await rp.get(rp.caller(OrgType.operator, "op-1"), "/funnels", year=2026)).json()
    assert funnels["rows"] == [
        {"market": "techtransfer", "month": "2026-02",
         "stages": {"published": 1, "interest": 0, "meeting": 0, "deal": 0, "deal_in_beijing": 0}}
    ]  # fmt: skip
