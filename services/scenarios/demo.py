"""Demo data for the local stack (``seed-demo``): a capability of identity's demo
enterprise, a scenario of the demo district government published in batch 1 of this
year's city opportunity list, a second one of the demo SOE awaiting the next batch, and the
demo enterprise's proposal. Fixed ids,
so a second run finds everything there and changes nothing."""

from __future__ import annotations

import datetime as dt

from services.scenarios import events
from services.scenarios.domain import proposals as proposal_rules
from services.scenarios.domain import records as record_rules
from services.scenarios.domain import scenarios as rules
from services.scenarios.domain.proposals import Facts, ProposalIn
from services.scenarios.domain.records import CapabilityIn
from services.scenarios.domain.scenarios import Batch, Criterion, Requirements, ScenarioIn, Timeline
from services.scenarios.usecases import Deps
from shared.demo import demo_id
from shared.store import Conflict

CRITERIA = [
    Criterion(code="tech", name="技术方案先进性", weight=35),
    Criterion(code="delivery", name="实施与交付能力", weight=25),
    Criterion(code="cases", name="同类应用案例", weight=20),
    Criterion(code="price", name="报价合理性", weight=20),
]


def _scenario(
    title: str,
    problem: str,
    domain: str,
    site: str,
    deadline: dt.datetime,
    keywords: list[str],
    quals: list[str],
) -> ScenarioIn:
    start = (deadline + dt.timedelta(days=30)).date()
    return ScenarioIn(
        title=title,
        problem=problem,
        domain=domain,
        keywords=keywords,
        site=site,
        district="房山区",
        budget_cny=(1_500_000, 4_000_000),
        timeline=Timeline(starts_on=start, ends_on=start + dt.timedelta(days=180)),
        requirements=Requirements(qualifications=quals, beijing_registered=True, min_trl=6),
        criteria=CRITERIA,
        deadline=deadline,
        award_slots=1,
        shortlist_size=3,
    )


async def _once(coro: object) -> bool:
    try:
        await coro  # type: ignore[misc]
        return True
    except Conflict:
        return False


async def seed_demo(deps: Deps) -> list[str]:
    now = deps.now()
    deadline = now + dt.timedelta(days=30)
    ent, gov, soe = demo_id("enterprise"), demo_id("government"), demo_id("soe")
    repos, out = deps.repos, []

    cap = record_rules.publish(
        "demo-cap-imaging",
        ent,
        CapabilityIn(
            title="医学影像AI辅助诊断系统",
            description="肺结节、骨折影像AI辅助诊断，已获三类医疗器械注册证",
            domains=["health", "ai"],
            keywords=["影像AI", "辅助诊断", "远程阅片"],
            qualifications=["nmpa_reg", "iso13485"],
            trl=7,
            district="海淀区",
        ),
        now,
    )
    if await _once(
        repos.capabilities.create(
            cap.entity.id, cap.entity, events.capability_events(cap.entity, cap.events)
        )
    ):
        out.append(f"capability {cap.entity.id}")

    imaging = rules.submit(
        "demo-scn-imaging",
        gov,
        _scenario(
            "基层医疗机构AI辅助影像诊断场景",
            "为辖区社区卫生服务中心配置影像AI辅助诊断与远程阅片服务",
            "health",
            "房山区社区卫生服务中心",
            deadline,
            ["影像AI", "辅助诊断"],
            ["nmpa_reg"],
        ),
        now,
    )
    grid = rules.submit(
        "demo-scn-grid",
        soe,
        _scenario(
            "园区储能与微电网调度场景",
            "为产业园区建设储能系统与微电网智能调度平台",
            "energy",
            "房山区某产业园",
            deadline,
            ["储能", "微电网"],
            [],
        ),
        now,
    )
    for t in (imaging, grid):
        if await _once(
            repos.scenarios.create(
                t.entity.id, t.entity, events.scenario_events(t.entity, t.events)
            )
        ):
            out.append(f"scenario {t.entity.id}")

    year = now.year
    bid = rules.batch_id(year, 1)
    batch = Batch(
        id=bid,
        year=year,
        number=1,
        title=f"{year}年第一批城市机会清单",
        scenario_ids=[imaging.entity.id],
        published_at=now,
    )
    if await _once(repos.batches.create(bid, batch, events.batch_events(batch))):
        current = await repos.scenarios.get(imaging.entity.id)
        if current is not None and current.state.state is rules.ScenarioState.submitted:
            t = rules.publish_in(current.state, bid, now)
            await repos.scenarios.save(
                t.entity.id, t.entity, current.version, events.scenario_events(t.entity, t.events)
            )
        out.append(f"batch {bid}")

    published = await repos.scenarios.get(imaging.entity.id)
    if published is not None and published.state.open_for_applications(now):
        content = ProposalIn(
            approach="部署肺结节与骨折识别模型，联通区域影像中心提供远程阅片",
            team="算法8人、实施4人",
            references=["海淀区社区医院影像AI项目"],
            price_cny=2_800_000,
            capability_id=cap.entity.id,
            facts=Facts(qualifications=["nmpa_reg", "iso13485"], beijing_registered=True, trl=7),
        )
        p = proposal_rules.submit(published.state, ent, content, now)
        if await _once(
            repos.proposals.create(
                p.entity.id, p.entity, events.proposal_events(p.entity, published.state, p.events)
            )
        ):
            out.append(f"proposal {p.entity.id}")
    return out or ["scenarios demo data already there"]
