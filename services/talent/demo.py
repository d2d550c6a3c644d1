"""Demo data for the local stack (``seed-demo``): identity's demo headhunter as a verified
agency, three talent demands of the demo enterprise (one exclusive, two open), the
agency's claim on one, and a domain job fair run by the demo operator. Fixed ids, so a
second run finds everything there and changes nothing."""

from __future__ import annotations

import datetime as dt

from services.talent import events
from services.talent.domain import demands as demand_domain
from services.talent.domain import fairs as fair_domain
from services.talent.domain.agencies import AgencyProfileIn, AgencyState, Qualification
from services.talent.domain.demands import DemandContent
from services.talent.domain.fairs import FairIn
from services.talent.usecases import Deps
from services.talent.usecases import agencies as agency_uc
from services.talent.usecases import claims as claim_uc
from shared.auth import Caller, OrgType, Role
from shared.demo import demo_id
from shared.errors import ConflictError
from shared.store import Conflict

AGENCY = AgencyProfileIn(
    name="北京英才猎头有限公司",
    description="专注集成电路、人工智能领域中高端人才寻访，去年为中关村企业交付 60 余人。",
    specialisms=["ic", "ai"],
    seniority_range=["senior", "executive"],
    placements_last_year=62,
    keywords=["芯片", "大模型", "中高端寻访"],
    district="朝阳区",
    qualifications=[Qualification(kind="hr_service_licence", number="HR-110105-2022-001")],
)
DEMANDS = {
    "demo-demand-ic-verification": dict(
        title="芯片验证工程师",
        description="SoC 验证平台搭建与回归，熟悉 UVM。",
        domains=["ic"],
        keywords=["UVM", "SoC"],
        seniority="senior",
        count=2,
        salary_band_cny=(400000, 700000),
        district="海淀区",
        claim_mode="exclusive",
        exclusive_days=30,
    ),
    "demo-demand-llm-lead": dict(
        title="大模型算法负责人",
        description="带领团队完成行业大模型训练与落地。",
        domains=["ai"],
        keywords=["大模型", "RLHF"],
        seniority="executive",
        count=1,
        salary_band_cny=(1200000, 2500000),
        district="海淀区",
        claim_mode="open",
        open_k=3,
    ),
    "demo-demand-biomed-qa": dict(
        title="药品质量管理专员",
        description="GMP 体系维护与注册申报支持。",
        domains=["biomed"],
        keywords=["GMP"],
        seniority="mid",
        count=3,
        district="大兴区",
        claim_mode="open",
    ),
}


def _caller(key: str, org_type: OrgType) -> Caller:
    return Caller(
        user_id=f"{demo_id(key)}-admin",
        organisation_id=demo_id(key),
        org_type=org_type,
        role=Role.admin,
    )


async def seed_demo(deps: Deps) -> list[str]:
    now = deps.now()
    done: list[str] = []
    agency = _caller("headhunter", OrgType.headhunter)
    try:
        await agency_uc.register(deps, agency, AGENCY, None)
        done.append(f"agency {agency.organisation_id} registered")
    except ConflictError:
        done.append(f"agency {agency.organisation_id} already there")
    if (await agency_uc.get(deps, agency.organisation_id)).state is not AgencyState.verified:
        await agency_uc.verify(deps, agency.organisation_id)
        done.append("agency verified")
    owner = demo_id("enterprise")
    for demand_id, fields in DEMANDS.items():
        content = DemandContent.model_validate({**fields, "deadline": now + dt.timedelta(days=90)})
        t = demand_domain.post(
            demand_id,
            owner,
            content,
            now,
            default_k=deps.settings.open_k,
            default_days=deps.settings.claim_days,
        )
        try:
            await deps.repos.demands.create(
                demand_id, t.entity, events.demand_events(t.entity, t.events)
            )
            done.append(f"demand {demand_id} published")
        except Conflict:
            done.append(f"demand {demand_id} already there")
    try:
        await claim_uc.claim(deps, agency, "demo-demand-ic-verification")
        done.append("claim on demo-demand-ic-verification granted")
    except ConflictError:
        done.append("claim on demo-demand-ic-verification already there")
    start = (now + dt.timedelta(days=21)).replace(hour=1, minute=0, second=0, microsecond=0)
    spec = FairIn(
        title="集成电路与人工智能专场招聘会",
        description="高精尖产业人才专场",
        domains=["ic", "ai"],
        venue="中关村国际创新中心",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        capacity=40,
    )
    ft = fair_domain.publish("demo-fair-ic-ai", demo_id("operator"), spec, now)
    try:
        await deps.repos.fairs.create(
            ft.entity.id, ft.entity, events.fair_events(ft.entity, ft.events)
        )
        done.append("fair demo-fair-ic-ai published")
    except Conflict:
        done.append("fair demo-fair-ic-ai already there")
    return done
