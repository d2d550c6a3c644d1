# ruff: noqa: E501
"""Test records: one demand and its strong counterpart for each of the five pairs (from
the labelled development set), and builders for record changes."""

from __future__ import annotations

import uuid
from typing import Any

from services.matching.domain.records import RecordChange, RecordSnapshot

DEMANDS: dict[str, dict[str, Any]] = {
    "scenario": {
        "title": "基层医疗机构AI辅助影像诊断服务场景",
        "description": "房山区卫生健康委拟为辖区社区卫生服务中心配置医学影像人工智能辅助诊断服务，覆盖胸部CT肺结节、骨折等常见病种，并提供远程阅片支持。服务所用产品须取得相应医疗器械注册证，承担单位须通过医疗器械质量管理体系认证。",
        "domains": ["health", "ai"],
        "keywords": ["基层医疗", "影像AI", "辅助诊断", "远程阅片", "医疗器械注册证"],
        "attributes": {
            "budget_cny": [1500000, 4000000],
            "required_qualifications": ["nmpa_reg", "iso13485"],
            "district": "房山区",
        },
    },
    "tech_need": {
        "title": "基于大模型的企业知识库智能问答系统技术需求",
        "description": "我公司为市属能源企业的信息化子公司，需建设面向内部规章制度、设备手册和运维工单的智能问答助手，要求基于大模型技术、支持本地化部署且数据不出内网，可与现有OA和工单系统集成，回答需给出出处。希望引进已在企业中落地的成熟技术并获得使用许可。",
        "domains": ["ai", "nextgen_it"],
        "keywords": ["大模型", "知识库", "智能问答", "本地化部署", "数据不出内网"],
        "attributes": {
            "budget_cny": [800000, 3000000],
            "min_trl": 7,
            "cooperation_modes": ["license"],
        },
    },
    "investor_mandate": {
        "title": "数字经济与区块链产业基金（区级引导）",
        "description": "由区级政府引导设立，投资区块链底层技术、隐私计算、数据要素流通和数字人民币应用等数字经济基础设施企业，投资Pre-A至B轮，单笔1000万-6000万元，要求项目在区内落地。",
        "domains": ["blockchain", "nextgen_it", "fintech"],
        "keywords": ["区块链", "隐私计算", "数据要素", "数字人民币", "数字经济"],
        "attributes": {
            "stages": ["pre_a", "a", "b"],
            "ticket_cny": [10000000, 60000000],
            "fund_type": "government",
        },
    },
    "talent_demand": {
        "title": "区块链底层开发工程师（3名）",
        "description": "招聘区块链底层开发工程师3名，负责联盟链共识算法、智能合约虚拟机和国密改造开发，熟悉Go或Rust，3年以上经验，年薪35万-55万元。",
        "domains": ["blockchain"],
        "keywords": ["区块链", "底层开发", "共识算法", "智能合约", "Go语言"],
        "attributes": {"seniority": "mid", "count": 3},
    },
    "procurement_need": {
        "title": "园区用户侧储能系统集中采购",
        "description": "北京某市属能源企业为所属工业园区和数据中心配套建设用户侧储能，总规模约20MWh，拟采购集成度高、安全性好的储能系统，支持峰谷套利与需量管理，要求具备完善的消防和热管理设计。",
        "domains": ["energy"],
        "keywords": ["用户侧储能", "储能系统", "峰谷套利", "消防", "热管理"],
        "attributes": {"budget_cny": [15000000, 30000000]},
    },
}

SUPPLIES: dict[str, dict[str, Any]] = {
    "capability": {
        "title": "医学影像 AI 辅助诊断产品与服务能力",
        "description": "公司拥有肺结节、骨折、脑出血等6款医学影像AI产品，其中3款取得第三类医疗器械注册证，已部署于全国500余家医疗机构，可提供云端远程影像阅片和基层医生培训服务，通过ISO13485质量管理体系认证。",
        "domains": ["health", "ai"],
        "keywords": ["医学影像", "AI辅助诊断", "三类证", "远程阅片", "基层医疗"],
        "attributes": {
            "qualifications": ["hnte", "nmpa_reg", "iso13485", "iso27001"],
            "district": "海淀区",
        },
    },
    "tech_offer": {
        "title": "企业级 LLM 检索增强生成（RAG）私有化部署框架",
        "description": "面向政企内部制度文件、技术手册、工单等非结构化资料，提供文档解析、向量检索、重排序与大语言模型生成的一体化框架，支持国产GPU和开源模型内网私有化部署，带权限隔离与答案溯源。在3家央企试用，回答准确率较通用模型提升30%以上，可许可或联合开发。",
        "domains": ["ai", "nextgen_it"],
        "keywords": [
            "LLM",
            "RAG",
            "检索增强生成",
            "私有化部署",
            "大语言模型",
            "知识库",
            "智能问答",
        ],
        "attributes": {"trl": 7, "cooperation_modes": ["license", "joint_dev"], "ip": 6},
    },
    "pitch": {
        "title": "隐私计算平台 Pre-A轮",
        "description": "团队来自高校密码学实验室，开发基于多方安全计算和可信执行环境的隐私计算平台，已在政务数据开放和医疗数据流通项目落地，2024年收入1000万元。本轮拟融资2000万元。",
        "domains": ["nextgen_it", "blockchain"],
        "keywords": ["隐私计算", "多方安全计算", "数据要素", "数据流通", "可信执行环境"],
        "attributes": {"stage": "pre_a", "ask_cny": 20000000, "revenue_cny": 10000000},
    },
    "agency": {
        "title": "金融科技人才猎头",
        "description": "专注银行科技子公司、支付和金融科技企业，覆盖风控建模、区块链开发、数据科学和核心系统研发岗位，从资深工程师到技术负责人均有交付案例，去年交付130人。",
        "domains": ["fintech", "blockchain"],
        "keywords": ["金融科技", "风控建模", "区块链开发", "数据科学", "银行科技"],
        "attributes": {
            "specialisms": ["fintech", "blockchain"],
            "seniority_range": ["mid", "senior", "executive"],
        },
    },
    "product": {
        "title": "工商业液冷储能一体柜",
        "description": "采用314Ah磷酸铁锂储能电芯，单柜容量261kWh，集成PCS、BMS、EMS与消防，支持峰谷套利、需量管理和应急备电，即插即用，适用于工厂、园区和数据中心用户侧储能。",
        "domains": ["energy"],
        "keywords": ["储能一体柜", "磷酸铁锂", "用户侧储能", "峰谷套利", "EMS"],
        "attributes": {"first_of_kind": False, "price_band": [250000, 450000]},
    },
}

#: (demand kind, supply kind)
PAIR_KINDS = [
    ("tech_need", "tech_offer"),
    ("procurement_need", "product"),
    ("scenario", "capability"),
    ("investor_mandate", "pitch"),
    ("talent_demand", "agency"),
]


def record(kind: str, org: str, *, rid: str | None = None, **overrides: Any) -> RecordSnapshot:
    base = DEMANDS.get(kind) or SUPPLIES[kind]
    fields = {**base, "id": rid or f"{kind}-{uuid.uuid4().hex[:8]}", "kind": kind}
    fields["owner_org_id"] = org
    if "attributes" in overrides:
        fields["attributes"] = {**base["attributes"], **overrides.pop("attributes")}
    fields.update(overrides)
    return RecordSnapshot.model_validate(fields)


def change(rec: RecordSnapshot, verb: str = "published", version: int = 1) -> RecordChange:
    if verb == "withdrawn":
        rec = rec.model_copy(update={"status": "withdrawn"})
    return RecordChange(event_id=uuid.uuid4().hex, verb=verb, version=version, record=rec)
