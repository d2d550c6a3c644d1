"""Which event moves which funnel: one table, one line per event type.

A *case* is the record a market's funnel follows (a tech need or offer, a catalogue
product, a talent demand, a scenario, a pitch). Record events (``published``,
``updated``, ``withdrawn``, ``closed``) create and describe cases; workflow events move
them to a stage, found through the payload field that names the case. Stages are
cumulative ("reached at least"): a case counted at ``deal`` is counted at every earlier
stage too, so a funnel never rises and a market whose early events do not exist yet
(catalogue applications, say) still counts its later ones.

Types marked ASSUMED have no contract in ``shared/events/contracts`` yet (their markets
are being built); the names and fields are our guess and adding or renaming one is one
line here. Until a contract registers them they cannot reach a topic, so a wrong guess
costs nothing but a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Data = Mapping[str, Any]

# Stage order per market (policy clause): the funnel, left to right.
FUNNELS: dict[str, tuple[str, ...]] = {
    "techtransfer": ("published", "interest", "meeting", "deal", "deal_in_beijing"),
    "catalogue": ("applied", "listed", "docking", "purchased"),
    "talent": ("posted", "claimed", "candidate", "hired", "eligible"),
    "scenarios": ("published", "pushed", "applied", "awarded"),
    "roadshows": ("pitched", "selected", "met", "invested"),
}
MARKET_NAMES_ZH = {
    "techtransfer": "科技成果转化",
    "catalogue": "新技术新产品清单",
    "talent": "人才选聘",
    "scenarios": "应用场景",
    "roadshows": "投融资路演",
}
# The stage that counts as the market's outcome (time-to-outcome, profile outcomes).
OUTCOME = {
    "techtransfer": "deal",
    "catalogue": "purchased",
    "talent": "hired",
    "scenarios": "awarded",
    "roadshows": "invested",
}
# Record topics whose records are funnel cases, and the stage their publication reaches.
CASE_ENTITIES: dict[str, tuple[str, str]] = {
    "techtransfer.need": ("techtransfer", "published"),
    "techtransfer.offer": ("techtransfer", "published"),
    "catalogue.product": ("catalogue", "listed"),
    "talent.demand": ("talent", "posted"),
    "scenarios.scenario": ("scenarios", "published"),
    "roadshows.pitch": ("roadshows", "pitched"),
}
# Record topics kept for enterprise profiles only (what an organisation published).
OTHER_RECORDS = {
    "catalogue.procurement_need": "catalogue",
    "scenarios.capability": "scenarios",
    "roadshows.mandate": "roadshows",
    "talent.agency": "talent",
}
# Where a workflow event names its case's owner, per market (a rule's ``owner`` overrides).
CASE_OWNER = {
    "techtransfer": "owner_org_id",  # interests; a deal names two parties, not the owner
    "catalogue": "owner_org_id",
    "talent": "enterprise_org_id",
    "scenarios": "owner_org_id",
    "roadshows": "enterprise_org_id",
}
# Kinds a matching suggestion can name for a case (first match).
CASE_KINDS = {
    "tech_need": "techtransfer",
    "tech_offer": "techtransfer",
    "product": "catalogue",
    "talent_demand": "talent",
    "scenario": "scenarios",
    "pitch": "roadshows",
}


def _not_disputed(data: Data) -> bool:
    return data.get("state") != "disputed"


def _in_beijing(data: Data) -> bool:
    return bool(data.get("in_beijing")) and data.get("state") != "disputed"


def _hired(data: Data) -> bool:
    return data.get("stage") == "hired"


def _placed(data: Data) -> bool:
    return data.get("slot") is not None


def _scenario_push(data: Data) -> bool:
    return data.get("demand_kind") == "scenario"


@dataclass(frozen=True)
class StageRule:
    """An event of ``type`` moves the case at payload field ``case`` to ``stage``.

    ``actor``/``counterpart`` name the organisations the item belongs to (profiles);
    ``item`` the workflow aggregate's id field (one item per interest, claim, ...);
    ``when`` filters by payload; ``at`` names a payload time used instead of the event's;
    ``owner`` the payload field naming the case's owner (else the market's default).
    """

    type: str
    market: str
    stage: str | None
    case: str
    item: str
    actor: str
    counterpart: str = ""
    when: Callable[[Data], bool] | None = None
    at: str = ""
    expires: str = ""
    owner: str = ""  # the case owner's field, for a case known only from its workflow
    entity: str = ""  # the item's kind when the type's entity is ambiguous across markets
    assumed: bool = False


R = StageRule
STAGE_RULES: tuple[StageRule, ...] = (
    # techtransfer (contracts exist)
    R("techtransfer.interest.expressed", "techtransfer", "interest", "record_id", "interest_id",
      "interested_org_id", "owner_org_id", expires="expires_at"),
    R("techtransfer.interest.accepted", "techtransfer", "interest", "record_id", "interest_id",
      "interested_org_id", "owner_org_id"),
    R("techtransfer.interest.declined", "techtransfer", None, "record_id", "interest_id",
      "interested_org_id", "owner_org_id"),
    R("techtransfer.interest.withdrawn", "techtransfer", None, "record_id", "interest_id",
      "interested_org_id", "owner_org_id"),
    R("techtransfer.interest.expired", "techtransfer", None, "record_id", "interest_id",
      "interested_org_id", "owner_org_id"),
    R("techtransfer.deal.reported", "techtransfer", "deal", "record_id", "deal_id",
      "recipient_org_id", "supplier_org_id", when=_not_disputed),
    R("techtransfer.deal.confirmed", "techtransfer", "deal", "record_id", "deal_id",
      "recipient_org_id", "supplier_org_id", when=_not_disputed),
    R("techtransfer.deal.reported", "techtransfer", "deal_in_beijing", "record_id", "deal_id",
      "recipient_org_id", "supplier_org_id", when=_in_beijing),
    R("techtransfer.deal.confirmed", "techtransfer", "deal_in_beijing", "record_id", "deal_id",
      "recipient_org_id", "supplier_org_id", when=_in_beijing),
    R("techtransfer.deal.disputed", "techtransfer", None, "record_id", "deal_id",
      "recipient_org_id", "supplier_org_id"),
    # talent (contracts exist)
    R("talent.claim.granted", "talent", "claimed", "demand_id", "claim_id", "agency_id",
      "enterprise_org_id", expires="expires_at"),
    R("talent.claim.released", "talent", None, "demand_id", "claim_id", "agency_id",
      "enterprise_org_id"),
    R("talent.claim.expired", "talent", None, "demand_id", "claim_id", "agency_id",
      "enterprise_org_id"),
    R("talent.claim.revoked", "talent", None, "demand_id", "claim_id", "agency_id",
      "enterprise_org_id"),
    R("talent.candidate.submitted", "talent", "candidate", "demand_id", "candidate_id",
      "agency_id", "enterprise_org_id"),
    R("talent.candidate.advanced", "talent", "hired", "demand_id", "candidate_id", "agency_id",
      "enterprise_org_id", when=_hired),
    R("talent.placement.started", "talent", "hired", "demand_id", "placement_id", "agency_id",
      "enterprise_org_id", at="hired_at"),
    R("talent.placement.qualified", "talent", "eligible", "demand_id", "placement_id",
      "agency_id", "enterprise_org_id"),
    # matching: a scenario suggested to an enterprise is a push (policy 12(4))
    R("matching.match.suggested", "scenarios", "pushed", "demand_id", "match_id",
      "supply_org_id", "demand_org_id", when=_scenario_push),
    # catalogue (contracts in shared/events/contracts/catalogue.py)
    R("catalogue.application.submitted", "catalogue", "applied", "product_id",
      "application_id", "owner_org_id", entity="listing_application"),
    R("catalogue.application.approved", "catalogue", "applied", "product_id",
      "application_id", "owner_org_id", entity="listing_application"),
    R("catalogue.application.rejected", "catalogue", None, "product_id", "application_id",
      "owner_org_id", entity="listing_application"),
    R("catalogue.docking.proposed", "catalogue", None, "product_id", "docking_id",
      "soe_org_id", "supplier_org_id"),
    R("catalogue.docking.accepted", "catalogue", "docking", "product_id", "docking_id",
      "soe_org_id", "supplier_org_id", owner="supplier_org_id"),
    R("catalogue.docking.declined", "catalogue", None, "product_id", "docking_id",
      "soe_org_id", "supplier_org_id"),
    R("catalogue.docking.closed", "catalogue", None, "product_id", "docking_id",
      "soe_org_id", "supplier_org_id"),
    R("catalogue.docking.purchased", "catalogue", "purchased", "product_id", "docking_id",
      "soe_org_id", "supplier_org_id", owner="supplier_org_id"),
    R("catalogue.lead.created", "catalogue", "docking", "product_id", "lead_id",
      "buyer_org_id", "presenter_org_id", owner="presenter_org_id"),
    # roadshows (contracts in shared/events/contracts/roadshows.py)
    R("roadshows.application.submitted", "roadshows", None, "pitch_id", "application_id",
      "enterprise_org_id", entity="roadshow_application"),
    R("roadshows.application.selected", "roadshows", "selected", "pitch_id", "application_id",
      "enterprise_org_id", entity="roadshow_application"),
    R("roadshows.application.declined", "roadshows", None, "pitch_id", "application_id",
      "enterprise_org_id", entity="roadshow_application"),
    R("roadshows.meeting.requested", "roadshows", None, "pitch_id", "meeting_id",
      "investor_org_id", "enterprise_org_id", entity="investor_meeting"),
    R("roadshows.meeting.scheduled", "roadshows", "met", "pitch_id", "meeting_id",
      "investor_org_id", "enterprise_org_id", when=_placed, entity="investor_meeting"),
    R("roadshows.investment.confirmed", "roadshows", "invested", "pitch_id", "followup_id",
      "investor_org_id", "enterprise_org_id", at="invested_on"),
    # ASSUMED (no contract yet): scenario applications and awards
    R("scenarios.application.submitted", "scenarios", "applied", "scenario_id",
      "application_id", "applicant_org_id", "owner_org_id", assumed=True,
      entity="scenario_application"),
    R("scenarios.application.awarded", "scenarios", "awarded", "scenario_id",
      "application_id", "applicant_org_id", "owner_org_id", assumed=True,
      entity="scenario_application"),
)  # fmt: skip

RULES_BY_TYPE: dict[str, tuple[StageRule, ...]] = {}
for _rule in STAGE_RULES:
    RULES_BY_TYPE[_rule.type] = (*RULES_BY_TYPE.get(_rule.type, ()), _rule)

# A stage some later state takes back: a deal the counterparty disputed is no deal. The
# stage stands while at least one of the case's items of that entity is not retracted.
RETRACTED: dict[str, tuple[str, frozenset[str]]] = {
    "deal": ("deal", frozenset({"disputed"})),
    "deal_in_beijing": ("deal", frozenset({"disputed"})),
}

# techtransfer meetings name two organisations, not a record: a meeting between a record's
# owner and an organisation that expressed interest in it moves that record to "meeting".
MEETING_TYPES = frozenset(
    {"techtransfer.meeting.scheduled", "techtransfer.meeting.rated", "techtransfer.meeting.locked"}
)
# Roadshow sessions (policy 10(3): at least one a month).
ROADSHOW_TYPES = {
    "roadshows.roadshow.scheduled": "scheduled",
    "roadshows.roadshow.held": "held",
    "roadshows.roadshow.cancelled": "cancelled",
}
TIER_TYPE = "identity.enterprise.tier_changed"
ORG_TYPES = frozenset({"identity.organisation.registered", "identity.organisation.updated"})
MATCH_TYPE = "matching.match.suggested"
RECORD_VERBS = frozenset({"published", "updated", "withdrawn", "closed", "drafted"})


def assumed_types() -> list[str]:
    """Event types this table relies on that have no contract yet (for the README)."""
    return sorted({r.type for r in STAGE_RULES if r.assumed})


def used(type_: str) -> bool:
    """Whether the read model does anything with an event type (others are skipped)."""
    if type_ in RULES_BY_TYPE or type_ in ROADSHOW_TYPES or type_ in MEETING_TYPES:
        return True
    if type_ in ORG_TYPES or type_ in (TIER_TYPE, MATCH_TYPE):
        return True
    base, _, verb = type_.rpartition(".")
    return verb in RECORD_VERBS and (base in CASE_ENTITIES or base in OTHER_RECORDS)
