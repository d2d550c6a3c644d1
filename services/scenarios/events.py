"""Scenarios' events: contract payloads built from domain entities, wrapped in envelopes.

A transition names its events (``published``, ``awarded`` ...); the maps below turn each
name into its contract. Payloads carry organisation and user ids and record facts only:
no person's name or contact; scorecard values only once the panel has closed (in the
ranking), never per expert.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from services.scenarios.domain.panel import TIE_BREAK, Panel
from services.scenarios.domain.proposals import Proposal
from services.scenarios.domain.pushes import Mutes, Push
from services.scenarios.domain.records import Capability
from services.scenarios.domain.scenarios import Batch, Scenario
from shared.events import Envelope, new_event
from shared.events.contracts import scenarios as c

SOURCE = "scenarios"

CAPABILITY = {
    "published": c.CapabilityPublished,
    "updated": c.CapabilityUpdated,
    "withdrawn": c.CapabilityWithdrawn,
}
SCENARIO = {
    "submitted": c.ScenarioSubmitted,
    "published": c.ScenarioPublished,
    "updated": c.ScenarioUpdated,
    "withdrawn": c.ScenarioWithdrawn,
    "awarded": c.ScenarioAwarded,
    "completed": c.ScenarioCompleted,
}
PROPOSAL = {
    "submitted": c.ProposalSubmitted,
    "updated": c.ProposalUpdated,
    "withdrawn": c.ProposalWithdrawn,
    "awarded": c.ProposalAwarded,
    "declined": c.ProposalDeclined,
    "set": c.MilestoneSet,
    "reported": c.MilestoneReported,
    "accepted": c.MilestoneAccepted,
}
PANEL = {
    "named": c.PanelNamed,
    "declared": c.ConflictDeclared,
    "recorded": c.ScoreRecorded,
    "closed": c.PanelClosed,
}
MUTES = {"muted": c.DomainMuted, "unmuted": c.DomainUnmuted}


def _wrap(model: type[BaseModel], fields: dict[str, Any], subject: str) -> Envelope:
    # The store stamps the version it writes; 0 is a placeholder.
    return new_event(model.model_validate(fields), subject=subject, version=0, source=SOURCE)


def _many(
    table: dict[str, type[BaseModel]], names: Iterable[str], fields: dict[str, Any], subject: str
) -> list[Envelope]:
    return [_wrap(table[n], fields, subject) for n in names if n]


def capability_events(r: Capability, names: Iterable[str]) -> list[Envelope]:
    fields = {
        "id": r.id,
        "owner_org_id": r.owner_org_id,
        "title": r.content.title,
        "description": r.content.description,
        "domains": list(r.content.domains),
        "keywords": list(r.content.keywords),
        "district": r.content.district,
        "qualifications": list(r.content.qualifications),
        "trl": r.content.trl,
        "status": r.state.value,
        "updated_at": r.updated_at,
        "withdrawn_at": r.updated_at,
    }
    return _many(CAPABILITY, names, fields, r.id)


def _ref(s: Scenario) -> dict[str, Any]:
    return {
        "scenario_id": s.id,
        "scenario_title": s.content.title,
        "publisher_org_id": s.publisher_org_id,
    }


def scenario_events(s: Scenario, names: Iterable[str]) -> list[Envelope]:
    k, req = s.content, s.content.requirements
    fields = {
        **_ref(s),
        "id": s.id,
        "owner_org_id": s.publisher_org_id,
        "title": k.title,
        "description": k.problem,
        "domains": [k.domain],
        "keywords": list(k.keywords),
        "district": k.district,
        "status": s.state.value,
        "updated_at": s.updated_at,
        "withdrawn_at": s.updated_at,
        "budget_cny": list(k.budget_cny),
        "required_qualifications": list(req.qualifications),
        "batch_id": s.batch_id,
        "site": k.site,
        "min_trl": req.min_trl,
        "required_tier": req.tier,
        "beijing_registered": req.beijing_registered,
        "deadline": k.deadline,
        "awarded_org_ids": list(s.awarded_org_ids),
    }
    return _many(SCENARIO, names, fields, s.id)


def batch_events(b: Batch) -> list[Envelope]:
    fields = {
        "batch_id": b.id,
        "year": b.year,
        "number": b.number,
        "title": b.title,
        "scenario_ids": list(b.scenario_ids),
    }
    return [_wrap(c.BatchPublished, fields, b.id)]


def proposal_events(
    p: Proposal, s: Scenario, names: Iterable[str], index: int | None = None
) -> list[Envelope]:
    fields: dict[str, Any] = {
        **_ref(s),
        "proposal_id": p.id,
        "enterprise_org_id": p.enterprise_org_id,
        "price_cny": p.content.price_cny,
        "milestones": [m.title for m in p.milestones],
    }
    if p.award is not None:
        fields.update(
            slot=p.award.slot, rank=p.award.rank, departure_reason=p.award.departure_reason
        )
    if index is not None:
        fields.update(index=index, title=p.milestones[index].title)
    return _many(PROPOSAL, names, fields, p.id)


def declined_event(p: Proposal, s: Scenario, rank: int | None) -> Envelope:
    fields = {
        **_ref(s),
        "proposal_id": p.id,
        "enterprise_org_id": p.enterprise_org_id,
        "rank": rank,
    }
    return _wrap(c.ProposalDeclined, fields, p.id)


def panel_events(panel: Panel, s: Scenario, names: Iterable[str], **extra: Any) -> list[Envelope]:
    fields: dict[str, Any] = {
        **_ref(s),
        "expert_user_ids": [e.user_id for e in panel.experts],
        "expert_org_ids": [e.org_id for e in panel.experts],
        "ranking": [
            r.model_dump(include={"proposal_id", "enterprise_org_id", "rank", "weighted_score"})
            for r in panel.ranking
        ],
        "shortlist": list(panel.shortlist),
        "tie_break": TIE_BREAK,
        **extra,
    }
    return _many(PANEL, names, fields, s.id)


def mute_events(m: Mutes, domain: str, names: Iterable[str]) -> list[Envelope]:
    return _many(MUTES, names, {"enterprise_org_id": m.id, "domain": domain}, m.id)


def push_events(p: Push) -> list[Envelope]:
    fields = p.model_dump(exclude={"id", "at", "version"})
    return [_wrap(c.PushSent, {**fields, "push_id": p.id}, p.id)]
