"""Demo data for the local stack: published offers and needs owned by the demo
organisations that identity's ``seed-demo`` creates (their ids are uuid5 of a key, see
``services/identity/demo.py``). Record ids are fixed too, so seeding twice adds nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.techtransfer.domain.records import NeedContent, OfferContent
from services.techtransfer.usecases import Deps
from services.techtransfer.usecases import records as uc
from shared.auth import Caller, OrgType, Role
from shared.demo import demo_id

_NS = uuid.UUID("1d6a3b0e-5c7f-4e2a-9b8d-7f6e5d4c3b2a")

UNIVERSITY = Caller(
    user_id="cli", user_name="seed-demo", organisation_id=demo_id("university"),
    org_type=OrgType.university, role=Role.admin,
)  # fmt: skip
ENTERPRISE = Caller(
    user_id="cli", user_name="seed-demo", organisation_id=demo_id("enterprise"),
    org_type=OrgType.enterprise, role=Role.admin, district="haidian",
)  # fmt: skip

OFFERS: dict[str, tuple[Caller, dict[str, Any]]] = {
    "offer-llm-kb": (UNIVERSITY, {
        "title": "面向制造业的大模型知识库问答系统",
        "description": "基于检索增强生成的企业知识库问答，支持工艺文件、设备手册的中文语义检索。",
        "domains": ["ai", "manufacturing"], "keywords": ["大模型", "知识库", "检索增强"],
        "cooperation_modes": ["license", "joint_dev"], "trl": 6, "ip": 4,
    }),
    "offer-sic-power": (UNIVERSITY, {
        "title": "碳化硅功率器件高可靠封装工艺",
        "description": "低寄生电感封装与银烧结互连工艺，适用于新能源汽车电驱与光伏逆变器。",
        "domains": ["ic", "energy"], "keywords": ["碳化硅", "功率器件", "封装"],
        "cooperation_modes": ["transfer", "license"], "trl": 7, "ip": 9,
    }),
    "offer-tool-wear": (ENTERPRISE, {
        "title": "数控机床刀具磨损在线监测与寿命预测",
        "description": "迁移学习模型在线估计刀具磨损量，可许可给同行企业使用。",
        "domains": ["manufacturing", "ai"], "keywords": ["刀具磨损", "寿命预测"],
        "cooperation_modes": ["license"], "trl": 8, "ip": 3,
    }),
}  # fmt: skip
NEEDS: dict[str, tuple[Caller, dict[str, Any]]] = {
    "need-visual-qc": (ENTERPRISE, {
        "title": "芯片封装缺陷视觉检测技术需求",
        "description": "需要对封装外观缺陷进行在线检测，漏检率低于千分之一，可产线部署。",
        "domains": ["ic", "ai"], "keywords": ["视觉检测", "缺陷", "封装"],
        "cooperation_modes": ["license", "joint_dev"], "min_trl": 6,
        "budget_cny": (800_000, 3_000_000),
    }),
    "need-battery-thermal": (ENTERPRISE, {
        "title": "储能电池热失控早期预警技术需求",
        "description": "寻求基于多传感器融合的电池热失控早期预警算法与硬件方案。",
        "domains": ["energy"], "keywords": ["储能", "热失控", "预警"],
        "cooperation_modes": ["transfer", "joint_dev"], "min_trl": 5,
        "budget_cny": (500_000, 2_000_000),
    }),
}  # fmt: skip


def record_id(key: str) -> str:
    return uuid.uuid5(_NS, f"demo:{key}").hex


async def seed_demo(deps: Deps) -> list[str]:
    """Create what is missing, published; returns one line per record."""
    lines = []
    for kind, table, repo in (
        ("tech_offer", OFFERS, deps.repos.offers),
        ("tech_need", NEEDS, deps.repos.needs),
    ):
        for key, (owner, fields) in table.items():
            rid = record_id(key)
            if await repo.get(rid) is not None:
                lines.append(f"{key}: {rid} (already there)")
                continue
            content = OfferContent(**fields) if kind == "tech_offer" else NeedContent(**fields)
            await uc.create_record(deps, owner, kind, content, publish=True, record_id=rid)
            lines.append(f"{key}: {rid} published by {owner.organisation_id}")
    return lines
