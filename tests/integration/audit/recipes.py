"""Records an organisation creates in each market, for the ownership probes: who creates
it (org type), where, with which body, the path parameter that names it, and the
actions on it a counterpart may legitimately take once it is visible."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.auth import OrgType
from tests.integration.catalogue.conftest import need_body as procurement_need
from tests.integration.catalogue.conftest import product_body
from tests.integration.roadshows.conftest import mandate_body, pitch_body
from tests.integration.scenarios.conftest import capability_body, scenario_body
from tests.integration.talent.conftest import agency_body, demand_body
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

CONTACT = {"name": "王老师", "phone": "010-62750000", "email": "wang@example.edu.cn"}


@dataclass
class Recipe:
    service: str
    owner: OrgType
    path: str  # "{org}" is the owner's organisation id
    body: dict[str, Any]
    param: str  # the path parameter naming the record
    counterpart_actions: set[str] = field(default_factory=set)  # "METHOD path"


RECIPES = [
    Recipe("techtransfer", OrgType.university, "/offers", {**OFFER_FIELDS}, "offer_id",
           {"POST /offers/{offer_id}/interests"}),
    Recipe("techtransfer", OrgType.enterprise, "/needs", {**NEED_FIELDS}, "need_id",
           {"POST /needs/{need_id}/interests"}),
    Recipe("catalogue", OrgType.enterprise, "/applications", product_body(), "application_id"),
    Recipe("catalogue", OrgType.soe, "/needs", procurement_need(), "need_id",
           {"POST /needs/{need_id}/dockings"}),
    Recipe("talent", OrgType.enterprise, "/demands", demand_body(), "demand_id",
           {"POST /demands/{demand_id}/claims"}),
    Recipe("talent", OrgType.headhunter, "/agencies", agency_body(), "agency_id"),
    Recipe("scenarios", OrgType.enterprise, "/capabilities", capability_body(), "capability_id"),
    Recipe("scenarios", OrgType.government, "/scenarios", scenario_body(), "scenario_id",
           {"POST /scenarios/{scenario_id}/proposals"}),
    Recipe("roadshows", OrgType.investor, "/mandates", mandate_body(), "mandate_id"),
    Recipe("roadshows", OrgType.enterprise, "/pitches", pitch_body(), "pitch_id"),
    Recipe("matching", OrgType.enterprise, "/saved-searches",
           {"kind": "tech_offer", "name": "电池", "query": {"q": "电池"}}, "search_id"),
    Recipe("notifications", OrgType.enterprise, "/organisations/{org}/webhooks",
           {"url": "https://hooks.example.cn/duijie", "event_types": ["matching.match.suggested"]},
           "endpoint_id"),
]  # fmt: skip
