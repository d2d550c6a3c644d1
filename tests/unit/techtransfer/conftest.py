"""Shared builders for the techtransfer domain tests: parties, records, a session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from services.techtransfer.domain import records
from services.techtransfer.domain.parties import OrgKind, Party
from services.techtransfer.domain.sessions import SessionSpec, create_session
from services.techtransfer.domain.tz import SHANGHAI
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)

UNI = Party(org_id="uni-1", kind=OrgKind.university)
INSTITUTE = Party(org_id="inst-1", kind=OrgKind.institute)
ENT = Party(org_id="ent-1", kind=OrgKind.enterprise)
ENT2 = Party(org_id="ent-2", kind=OrgKind.enterprise)
OPERATOR = Party(org_id="op-1", kind=OrgKind.operator)


def offer_content(**overrides) -> records.OfferContent:
    return records.OfferContent(**(OFFER_FIELDS | overrides))


def need_content(**overrides) -> records.NeedContent:
    return records.NeedContent(**(NEED_FIELDS | overrides))


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
