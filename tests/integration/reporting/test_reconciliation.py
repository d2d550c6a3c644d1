"""The known year over real Kafka into the read model and FerretDB: every figure of the
city and a district report, the files, the DLQ, a restart from the snapshot, a rebuild
from the topics, and alerts raised once onto Kafka."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from aiokafka import AIOKafkaConsumer
from openpyxl import load_workbook

from services.reporting.domain.model import ReadModel
from services.reporting.domain.report import annual_report
from services.reporting.storage.snapshots import SnapshotRepository
from services.reporting.usecases.project import Projector
from services.reporting.usecases.rebuild import rebuild
from shared.auth import Caller, OrgType
from shared.events import topic_name
from tests.integration.reporting.conftest import RP
from tests.support.reporting import BJ, CITY_FUNNELS, YEAR, check_report

pytestmark = pytest.mark.integration


def without_time(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "generated_at"}


async def test_city_report_over_kafka_reconciles(rp: RP, operator: Caller) -> None:
    response = await rp.get(operator, f"/reports/annual/{YEAR}")
    assert response.status_code == 200, response.text
    assert check_report(response.json()) == []


async def test_district_report_for_its_official(rp: RP) -> None:
    official = rp.caller(OrgType.government, "gov-hd", "haidian", "district")
    response = await rp.get(official, f"/reports/annual/{YEAR}")
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "haidian"
    assert check_report(response.json(), district="haidian") == []


async def test_xlsx_and_printable_html(rp: RP, operator: Caller) -> None:
    xlsx = await rp.get(operator, f"/reports/annual/{YEAR}", format="xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = next(ws for ws in book.worksheets if ws.title.endswith("techtransfer"))
    total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "合计 total")
    assert list(total[1:6]) == list(CITY_FUNNELS["techtransfer"].values())
    assert sheet._charts  # the funnel chart is in the file
    html = await rp.get(operator, f"/reports/annual/{YEAR}", format="html")
    assert html.status_code == 200 and html.text.count("<svg") >= 7
    assert "<script" not in html.text and "cdn" not in html.text.lower()


async def test_funnels_and_durations_endpoints(rp: RP, operator: Caller) -> None:
    response = await rp.get(operator, "/funnels", year=YEAR, market="talent", group_by="district")
    assert response.json()["rows"] == [
        {"market": "talent", "district": "chaoyang", "stages": CITY_FUNNELS["talent"]}
    ]
    response = await rp.get(operator, "/durations", year=YEAR, market="techtransfer")
    days = response.json()["markets"]["techtransfer"]["outcome_days"]
    assert days["count"] == 1 and days["p50"] == 28.0


async def test_poison_went_to_the_dlq(rp: RP) -> None:
    assert rp.deps.reader.dead_lettered == 1
    topic = topic_name("techtransfer.need.dlq", rp.settings)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=rp.settings.kafka_bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    [message] = [m for ms in batch.values() for m in ms]
    assert dict(message.headers)["dlq-reason"] == b"malformed"


async def test_restart_loads_the_snapshot(rp: RP, operator: Caller) -> None:
    await rp.deps.projector.save()
    repo = rp.deps.projector.repo
    again = Projector(repo)
    await again.open()
    assert again.offsets == rp.deps.projector.offsets
    assert without_time(annual_report(again.model, YEAR)) == without_time(
        annual_report(rp.deps.projector.model, YEAR))  # fmt: skip


async def test_rebuild_from_the_topics_gives_the_same_figures(rp: RP) -> None:
    db = rp.deps.projector.repo.snapshots.database
    repo = SnapshotRepository(db)
    counted: list[int] = []
    report = await rebuild(repo, rp.settings, total=counted.append, progress=lambda _n: None,
                           swap=False)  # fmt: skip
    assert report.events == rp.published and counted == [rp.published]
    assert report.dead_lettered == 1
    model = ReadModel()
    await repo.load(report.generation, model)
    assert check_report(annual_report(model, YEAR)) == []
    await repo.drop_generation(report.generation)


async def test_alerts_are_raised_once_onto_kafka(rp: RP, operator: Caller) -> None:
    now = dt.datetime(YEAR, 5, 19, 12, tzinfo=BJ)
    raiser = rp.deps.raiser
    raised = await raiser.raise_due(rp.deps.projector.model, now)
    assert raised >= 3
    raiser.raised.clear()  # a restarted process: the store still says "told already"
    assert await raiser.raise_due(rp.deps.projector.model, now) == 0
    topic = topic_name("reporting.alert", rp.settings)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=rp.settings.kafka_bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    seen: dict[str, dict] = {}
    try:
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        while len(seen) < raised and dt.datetime.now(dt.UTC) < deadline:
            for ms in (await consumer.getmany(timeout_ms=1000)).values():
                for m in ms:
                    env = json.loads(m.value)
                    seen[env["data"]["alert_id"]] = env
    finally:
        await consumer.stop()
    assert len(seen) == raised
    need2 = seen["demand_unanswered:need-2"]
    assert need2["type"] == "reporting.alert.raised"
    assert need2["data"]["recipient_org_id"] == "ent-b" and need2["data"]["title_zh"]
