"""Demo data for the local stack (``seed-demo``): two approved applications of identity's
demo enterprise (one first-of-a-kind), a published demo edition listing them, a
procurement need of the demo SOE with a docking to the first-of-a-kind product, and a
launch event by the demo operator presenting both. Fixed ids, so a second run finds
everything there and changes nothing."""

from __future__ import annotations

import datetime as dt

from services.catalogue import events
from services.catalogue.domain import applications as app_domain
from services.catalogue.domain import launches as launch_domain
from services.catalogue.domain import needs as need_domain
from services.catalogue.domain.applications import ProductSpec
from services.catalogue.domain.common import Parameter
from services.catalogue.domain.dockings import DockingIn
from services.catalogue.domain.editions import EditionIn
from services.catalogue.domain.launches import LaunchIn
from services.catalogue.domain.needs import NeedSpec
from services.catalogue.usecases import Deps
from services.catalogue.usecases import dockings as docking_uc
from services.catalogue.usecases import editions as edition_uc
from shared.auth import Caller, OrgType, Role
from shared.demo import demo_id
from shared.errors import ConflictError
from shared.store import Conflict

EDITION = "demo-2026-01"
PRODUCTS = {
    "demo-app-inspection-robot": ProductSpec(
        title="变电站智能巡检机器人",
        description="面向 110-220kV 变电站的轮式巡检机器人，红外测温、表计识别、异常声纹分析。",
        domains=["manufacturing", "ai"],
        keywords=["巡检机器人", "红外测温", "电力"],
        parameters=[
            Parameter(name="防护等级", value="IP66"),
            Parameter(name="续航", value="8 小时"),
        ],
        certifications=["CNAS 检测报告 2025-0042"],
        price_band=(300_000, 900_000),
        district="海淀区",
        first_of_kind=True,
        demonstration_evidence="2025 年在北京某 220kV 变电站示范应用 6 个月，识别准确率 98.6%。",
    ),
    "demo-app-edge-gateway": ProductSpec(
        title="工业边缘计算网关",
        description="支持 OPC UA、Modbus 的国产化边缘网关，内置轻量推理引擎。",
        category="product",
        domains=["nextgen_it", "manufacturing"],
        keywords=["边缘计算", "工业互联网"],
        parameters=[Parameter(name="算力", value="8 TOPS")],
        price_band=(20_000, 60_000),
        district="朝阳区",
    ),
}
NEED_ID = "demo-need-substation-robots"
LAUNCH_ID = "demo-launch-smart-manufacturing"


def _caller(key: str, org_type: OrgType) -> Caller:
    return Caller(user_id=f"{demo_id(key)}-admin", organisation_id=demo_id(key),
                  org_type=org_type, role=Role.admin)  # fmt: skip


def _product_id(app_id: str) -> str:
    return app_id.replace("demo-app-", "demo-prod-")


async def seed_demo(deps: Deps) -> list[str]:
    now, done = deps.now(), []
    owner = demo_id("enterprise")
    for app_id, spec in PRODUCTS.items():
        if await deps.repos.applications.get(app_id) is not None:
            done.append(f"application {app_id} already there")
            continue
        t = app_domain.draft(app_id, owner, _product_id(app_id), spec, now)
        for step in (lambda a: app_domain.submit(a, now),
                     lambda a: app_domain.review(a, "approve", [], now)):  # fmt: skip
            names = t.events
            t = step(t.entity)
            t = t.model_copy(update={"events": (*names, *t.events)})
        await deps.repos.applications.create(
            app_id, t.entity, events.application_events(t.entity, t.events)
        )
        done.append(f"application {app_id} approved")
    if await deps.repos.editions.get(EDITION) is None:
        await edition_uc.open_edition(
            deps, EditionIn(code=EDITION, title="2026年第一批新技术新产品（服务）清单（演示）")
        )
        for app_id in PRODUCTS:
            await edition_uc.add_entry(deps, EDITION, app_id, None)
        await edition_uc.freeze(deps, EDITION)
        await edition_uc.publish(deps, EDITION)
        done.append(f"edition {EDITION} published")
    else:
        done.append(f"edition {EDITION} already there")
    soe = _caller("soe", OrgType.soe)
    spec = NeedSpec(
        title="变电站智能巡检机器人集中采购", description="所属 12 座变电站巡检智能化改造。",
        domains=["manufacturing"], keywords=["巡检机器人"], budget_cny=(500_000, 2_000_000),
        parameters=[Parameter(name="防护等级", value="不低于 IP65")], theme="能源装备专题",
        deadline=now + dt.timedelta(days=60),
    )  # fmt: skip
    nt = need_domain.post(NEED_ID, soe.organisation_id, spec, now)
    try:
        await deps.repos.needs.create(NEED_ID, nt.entity, events.need_events(nt.entity, nt.events))
        done.append(f"need {NEED_ID} published")
    except Conflict:
        done.append(f"need {NEED_ID} already there")
    try:
        robot = _product_id("demo-app-inspection-robot")
        await docking_uc.propose(
            deps, soe, NEED_ID, DockingIn(product_id=robot, message="希望安排现场演示")
        )
        done.append("docking proposed")
    except ConflictError:
        done.append("docking already there")
    start = (now + dt.timedelta(days=14)).replace(hour=2, minute=0, second=0, microsecond=0)
    launch = LaunchIn(
        title="智能制造新技术新产品首发会", format="release", domain="manufacturing",
        venue="中关村展示中心", starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=30,
        product_ids=[_product_id(a) for a in PRODUCTS],
    )  # fmt: skip
    presenters = {pid: owner for pid in launch.product_ids}
    lt = launch_domain.schedule(LAUNCH_ID, demo_id("operator"), launch, presenters, EDITION, now)
    try:
        await deps.repos.launches.create(
            LAUNCH_ID, lt.entity, events.launch_events(lt.entity, lt.events)
        )
        done.append(f"launch {LAUNCH_ID} scheduled")
    except Conflict:
        done.append(f"launch {LAUNCH_ID} already there")
    return done
