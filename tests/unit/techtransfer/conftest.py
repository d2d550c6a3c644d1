"""Shared builders for the techtransfer domain tests: parties, records, a session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from services.techtransfer.domain import records
from services.techtransfer.domain.parties import OrgKind, Party
from services.techtransfer.domain.sessions import SessionSpec, create_session
from services.techtransfer.domain.tz import SHANGHAI

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)

UNI = Party(org_id="uni-1", kind=OrgKind.university)
INSTITUTE = Party(org_id="inst-1", kind=OrgKind.institute)
ENT = Party(org_id="ent-1", kind=OrgKind.enterprise)
ENT2 = Party(org_id="ent-2", kind=OrgKind.enterprise)
OPERATOR = Party(org_id="op-1", kind=OrgKind.operator)


def offer_content(**overrides) -> records.OfferContent:
    fields = {
        "title": "数控机床刀具磨损在线监测与寿命预测",
        "description": "迁移学习模型在线估计刀具磨损量，可许可或联合开发。",
        "domains": ["manufacturing", "ai"],
        "keywords": ["刀具磨损", "寿命预测"],
        "cooperation_modes": ["license", "joint_dev"],
        "trl": 7,
        "ip": 6,
    }
    return records.OfferContent(**(fields | overrides))


def need_content(**overrides) -> records.NeedContent:
    fields = {
        "title": "城市无人机即时配送调度平台技术需求",
        "description": "需要覆盖航线规划、任务调度的运行管理平台技术。",
        "domains": ["aerospace"],
        "cooperation_modes": ["license", "joint_dev"],
        "min_trl": 6,
        "budget_cny": (1_000_000, 5_000_000),
    }
    return records.NeedContent(**(fields | overrides))


def published_offer(owner: Party = UNI, record_id: str = "offer-1") -> records.TechOffer:
    draft = records.create_offer(record_id, owner, offer_content(), NOW)
    return records.publish(draft, owner, NOW).entity


def published_need(owner: Party = ENT, record_id: str = "need-1") -> records.TechNeed:
    draft = records.create_need(record_id, owner, need_content(), NOW)
    return records.publish(draft, owner, NOW).entity


DEADLINE = NOW + timedelta(days=7)


def session_spec(**overrides) -> SessionSpec:
    fields = {
        "title": "人工智能领域科技成果对接洽谈会",
        "domain": "ai",
        "day": date(2025, 3, 15),
        "start_time": time(9, 0),
        "slot_minutes": 20,
        "slot_count": 6,
        "tables_per_slot": 2,
        "venue": "中关村国家自主创新示范区展示中心",
        "registration_deadline": DEADLINE,
    }
    return SessionSpec(**(fields | overrides))


@pytest.fixture
def session():
    return create_session("session-1", OPERATOR, session_spec(), NOW).entity
