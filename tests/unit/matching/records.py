"""Hand-written demand/supply records, one pair per kind, each supply passing its demand."""

from __future__ import annotations

import copy
from typing import Any

DEMANDS: dict[str, dict[str, Any]] = {
    "tech_need": {
        "id": "n1",
        "kind": "tech_need",
        "title": "锂电池极片缺陷视觉检测技术需求",
        "description": (
            "需要对涂布后的锂电池极片进行在线视觉检测，识别划痕和漏箔，要求技术成熟并可许可使用。"
        ),
        "domains": ["energy", "ai"],
        "keywords": ["极片检测", "机器视觉", "锂电池"],
        "attributes": {
            "budget_cny": [500000, 2000000],
            "min_trl": 6,
            "cooperation_modes": ["license"],
        },
    },
    "procurement_need": {
        "id": "p1",
        "kind": "procurement_need",
        "title": "变电站巡检机器人采购",
        "description": "采购可在变电站内自主巡检、红外测温和表计识别的轮式机器人。",
        "domains": ["energy", "manufacturing"],
        "keywords": ["巡检机器人", "变电站", "红外测温"],
        "attributes": {"budget_cny": [300000, 1000000]},
    },
    "scenario": {
        "id": "s1",
        "kind": "scenario",
        "title": "区级政务大模型问答场景",
        "description": "建设面向市民咨询的政务大模型问答服务，需私有化部署并通过信息安全认证。",
        "domains": ["ai", "nextgen_it"],
        "keywords": ["政务大模型", "智能问答", "私有化部署"],
        "attributes": {
            "budget_cny": [1000000, 3000000],
            "required_qualifications": ["iso27001", "cmmi3"],
            "district": "全市",
        },
    },
    "investor_mandate": {
        "id": "i1",
        "kind": "investor_mandate",
        "title": "先进材料早期基金",
        "description": "投资碳纤维、气凝胶等先进材料企业，天使至A轮，单笔500万-3000万元。",
        "domains": ["materials"],
        "keywords": ["先进材料", "碳纤维", "气凝胶"],
        "attributes": {"stages": ["angel", "pre_a", "a"], "ticket_cny": [5000000, 30000000]},
    },
    "talent_demand": {
        "id": "t1",
        "kind": "talent_demand",
        "title": "芯片设计资深工程师（2名）",
        "description": "招聘模拟芯片设计资深工程师，负责电源管理芯片设计，8年以上经验。",
        "domains": ["ic"],
        "keywords": ["模拟芯片", "电源管理", "芯片设计"],
        "attributes": {"seniority": "senior", "count": 2, "salary_band_cny": [800000, 1200000]},
    },
}

SUPPLIES: dict[str, dict[str, Any]] = {
    "tech_offer": {
        "id": "o1",
        "kind": "tech_offer",
        "title": "锂电池极片表面缺陷机器视觉检测技术",
        "description": (
            "基于深度学习的极片涂布缺陷在线检测，可识别划痕、漏箔、气泡，已在电池厂量产线应用。"
        ),
        "domains": ["energy", "ai"],
        "keywords": ["机器视觉", "极片检测", "缺陷识别"],
        "attributes": {"trl": 8, "cooperation_modes": ["license", "transfer"], "ip": 6},
    },
    "product": {
        "id": "r1",
        "kind": "product",
        "title": "变电站轮式智能巡检机器人",
        "description": "轮式机器人在变电站自主巡检，支持红外测温、表计识别和局放检测。",
        "domains": ["energy"],
        "keywords": ["巡检机器人", "变电站巡检", "红外测温"],
        "attributes": {"first_of_kind": False, "price_band": [600000, 1500000]},
    },
    "capability": {
        "id": "c1",
        "kind": "capability",
        "title": "政务大模型问答与私有化部署",
        "description": "为政府部门提供政务大模型智能问答系统的私有化部署与运维。",
        "domains": ["ai"],
        "keywords": ["政务大模型", "智能问答", "私有化部署"],
        "attributes": {"qualifications": ["iso27001", "cmmi3", "hnte"], "district": "海淀区"},
    },
    "pitch": {
        "id": "h1",
        "kind": "pitch",
        "title": "气凝胶隔热材料 A轮",
        "description": "公司量产二氧化硅气凝胶毡，用于动力电池隔热，本轮拟融资2000万元。",
        "domains": ["materials", "energy"],
        "keywords": ["气凝胶", "隔热材料", "先进材料"],
        "attributes": {"stage": "a", "ask_cny": 20000000, "revenue_cny": 30000000},
    },
    "agency": {
        "id": "g1",
        "kind": "agency",
        "title": "集成电路芯片设计人才猎头",
        "description": "为芯片设计企业寻访模拟芯片、电源管理芯片设计的资深工程师和技术总监。",
        "domains": ["ic"],
        "keywords": ["芯片设计", "模拟芯片", "猎头"],
        "attributes": {
            "specialisms": ["ic"],
            "seniority_range": ["mid", "senior"],
            "placements_last_year": 40,
        },
    },
}

#: for each demand kind: (constraint name, attribute changes that make its supply fail it)
VIOLATIONS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "tech_need": [
        ("min_trl", {"trl": 4}),
        ("cooperation_modes", {"cooperation_modes": ["equity"]}),
    ],
    "procurement_need": [("budget", {"price_band": [1200000, 2000000]})],
    "scenario": [("required_qualifications", {"qualifications": ["iso27001", "hnte"]})],
    "investor_mandate": [("stage", {"stage": "b"}), ("ticket", {"ask_cny": 80000000})],
    "talent_demand": [("seniority", {"seniority_range": ["junior", "mid"]})],
}


def variant(record: dict[str, Any], suffix: str, **attrs: Any) -> dict[str, Any]:
    """A copy of ``record`` with a new id and some attributes replaced."""
    out = copy.deepcopy(record)
    out["id"] = f"{record['id']}-{suffix}"
    out["attributes"].update(attrs)
    return out
