"""Who hears what: one rule per event type names the category, the audience (which
organisation, and optionally which user or roles in it), the record the message is
about and the parameters its text needs.

Rules read the event's ``data`` as plain JSON (already validated against its contract at
the edge, where a contract exists). Producing services that do not exist yet are covered
by tolerant field lookups (``owner.org_id`` or ``owner_org_id``); add a rule here when a
new workflow event appears, and its texts in ``texts.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from services.notifications.domain.alerts import (
    alert_groups,
    alert_params,
    alert_subject,
    alert_template,
)
from services.notifications.domain.groups import Group
from services.notifications.domain.preferences import Category

Data = Mapping[str, Any]


@dataclass(frozen=True)
class IncomingEvent:
    """What the handlers hand inward: the envelope's facts and its payload as JSON."""

    id: str
    type: str
    subject: str | None
    time: dt.datetime
    data: Data


@dataclass(frozen=True)
class Audience:
    """Users of ``organisation_id``: all, only ``user_id``, or only those holding ``roles``."""

    organisation_id: str
    user_id: str | None = None
    roles: frozenset[str] | None = None

    def includes(self, user_id: str, role: str) -> bool:
        if self.user_id is not None and user_id != self.user_id:
            return False
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class Notice:
    """An event turned into something to tell, before it is split per recipient.

    ``groups`` name organisations by role (operators, a district's government); the use
    case turns them into ``audiences`` from the organisation directory."""

    event: IncomingEvent
    category: Category
    audiences: tuple[Audience, ...]
    subject_kind: str
    subject_id: str
    params: dict[str, str] = field(default_factory=dict)
    template: str = ""
    groups: tuple[Group, ...] = ()
    # the recipient's own record the message concerns (the demand a suggestion is for),
    # so one counterpart suggested for two of an organisation's records reads as two
    regarding_kind: str | None = None
    regarding_id: str | None = None


def pick(data: Data, *paths: str) -> Any:
    """The first present, non-empty value among dotted ``paths``."""
    for path in paths:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, ""):
            return value
    return None


def orgs(*paths: str) -> Callable[[Data], list[Audience]]:
    """Audience: every user of each organisation found at ``paths``."""

    def audience(data: Data) -> list[Audience]:
        found: list[Audience] = []
        for path in paths:
            org = pick(data, path)
            if isinstance(org, str) and all(a.organisation_id != org for a in found):
                found.append(Audience(org))
        return found

    return audience


def _match_audience(data: Data) -> list[Audience]:
    org = pick(data, "recipient_org_id", "demand_org_id")
    if not org:
        return []
    if pick(data, "side") == "supply" and pick(data, "demand_kind") == "scenario":
        # scenarios pushes these itself (scenarios.push.sent), honouring muted domains
        return []
    return [Audience(org, user_id=pick(data, "user_id"))]


def _match_subject(data: Data, _: str | None) -> tuple[str, str]:
    """The counterpart's record: the supply for a demander, the demand for a supplier."""
    if pick(data, "trigger") == "saved_search":
        return str(pick(data, "record_kind") or "record"), str(pick(data, "record_id") or "")
    if pick(data, "side") == "supply":
        return str(pick(data, "demand_kind") or "record"), str(pick(data, "demand_id") or "")
    return str(pick(data, "supply_kind") or "record"), str(pick(data, "supply_id") or "")


def _match_params(data: Data) -> dict[str, str]:
    return {
        "demand_kind": str(pick(data, "demand_kind") or ""),
        "supply_kind": str(pick(data, "supply_kind", "record_kind") or ""),
        "rank": str(pick(data, "rank") or ""),
        "previous_rank": str(pick(data, "previous_rank") or ""),
        "summary": str(pick(data, "summary") or ""),
    }


def _match_template(data: Data) -> str:
    if pick(data, "trigger") == "saved_search":
        return "matching.match.saved_search"
    if pick(data, "side") == "supply":
        return "matching.match.suggested.supply"
    return "matching.match.suggested"


def _match_regarding(data: Data) -> tuple[str, str] | None:
    """The recipient's own side of the pair: its demand, its supply or its saved search."""
    if pick(data, "trigger") == "saved_search":
        found = pick(data, "saved_search_id")
        return ("saved_search", str(found)) if found else None
    side = "supply" if pick(data, "side") == "supply" else "demand"
    found = pick(data, f"{side}_id")
    return (str(pick(data, f"{side}_kind") or side), str(found)) if found else None


def _scenario_params(data: Data) -> dict[str, str]:
    return {
        "record_title": str(pick(data, "scenario_title") or ""),
        "explanation": str(pick(data, "explanation") or ""),
        "rank": str(pick(data, "rank") or ""),
    }


def _panel_experts(data: Data) -> list[Audience]:
    """Each named expert (a user of their organisation); the lists are index-aligned."""
    users, orgs_ = pick(data, "expert_user_ids") or [], pick(data, "expert_org_ids") or []
    if not isinstance(users, list) or not isinstance(orgs_, list) or len(users) != len(orgs_):
        return []
    return [Audience(str(o), user_id=str(u)) for u, o in zip(users, orgs_, strict=True)]


def admins_of(path: str) -> Callable[[Data], list[Audience]]:
    """Audience: the admins of the organisation at ``path`` (the person who signed it up)."""

    def audience(data: Data) -> list[Audience]:
        org = pick(data, path)
        return [Audience(org, roles=frozenset({"admin"}))] if isinstance(org, str) else []

    return audience


def orgs_except(actor: str, *paths: str) -> Callable[[Data], list[Audience]]:
    """Audience: the organisations at ``paths`` other than the one that acted."""
    everyone = orgs(*paths)

    def audience(data: Data) -> list[Audience]:
        acted = pick(data, actor)
        return [a for a in everyone(data) if a.organisation_id != acted]

    return audience


def fields(*names: str) -> Callable[[Data], dict[str, str]]:
    return lambda data: {n: str(pick(data, n) or "") for n in names}


def subject_of(kind: str, *paths: str) -> Callable[[Data, str | None], tuple[str, str]]:
    """The record a message links to: ``kind`` and the id at ``paths`` (else the subject)."""

    def subject(data: Data, envelope_subject: str | None) -> tuple[str, str]:
        return kind, str(pick(data, *paths) or envelope_subject or "")

    return subject


@dataclass(frozen=True)
class Rule:
    event_type: str
    category: Category
    audience: Callable[[Data], list[Audience]]
    subject: Callable[[Data, str | None], tuple[str, str]]
    params: Callable[[Data], dict[str, str]] = field(default=lambda data: {})
    template: Callable[[Data], str] | None = None
    groups: Callable[[Data], list[Group]] = field(default=lambda data: [])
    regarding: Callable[[Data], tuple[str, str] | None] = field(default=lambda data: None)


def _rules() -> list[Rule]:
    interest = subject_of("interest", "interest_id")
    meeting = subject_of("meeting", "meeting_id", "request_id")
    claim = subject_of("claim", "claim_id")
    owner = orgs("owner_org_id", "owner.org_id")
    interested = orgs("interested_org_id", "interested.org_id")
    requester = orgs("requester_org_id", "requester.org_id")
    invitee = orgs("invitee_org_id", "invitee.org_id")
    both = orgs("requester_org_id", "requester.org_id", "invitee_org_id", "invitee.org_id")
    record = fields("record_kind", "record_title")

    # catalogue (policy 12): applications, special dockings, 首购 records, leads
    application = subject_of("application", "application_id")
    docking = subject_of("docking", "docking_id")
    supplier = orgs("supplier_org_id")
    buyer = orgs("soe_org_id")

    def titled(data: Data) -> dict[str, str]:
        return {"record_title": str(pick(data, "title", "product_title") or "")}

    def reviewed(data: Data) -> dict[str, str]:
        reasons = [r for r in pick(data, "reasons") or [] if isinstance(r, Mapping)]
        text = "；".join(f"{r.get('field')}：{r.get('reason')}" for r in reasons)
        return {**titled(data), "reason": text}

    def docked(data: Data) -> dict[str, str]:
        return {
            **titled(data),
            "demand_title": str(pick(data, "need_title") or ""),
            "starts_at": str(pick(data, "meeting_at") or ""),
            "reason": str(pick(data, "reason") or ""),
        }

    def declined(data: Data) -> dict[str, str]:
        return {**record(data), "decline_reason": str(pick(data, "decline_reason", "reason") or "")}

    return [
        Rule(
            "matching.match.suggested", Category.match, _match_audience, _match_subject,
            _match_params, _match_template, regarding=_match_regarding,
        ),
        Rule(
            "matching.record.rejected", Category.match, orgs("owner_org_id"),
            subject_of("record", "record_id"), fields("record_kind", "reason"),
        ),
        Rule(
            "identity.enterprise.tier_changed", Category.tier, orgs("enterprise_id"),
            subject_of("enterprise", "enterprise_id"), fields("tier", "action", "reason"),
        ),
        Rule("techtransfer.interest.expressed", Category.interest, owner, interest, record),
        Rule("techtransfer.interest.accepted", Category.interest, interested, interest, record),
        Rule("techtransfer.interest.declined", Category.interest, interested, interest, declined),
        Rule("techtransfer.interest.expired", Category.interest, interested, interest, record),
        Rule("techtransfer.interest.withdrawn", Category.interest, owner, interest, record),
        Rule("techtransfer.meeting.requested", Category.meeting, invitee, meeting),
        Rule("techtransfer.meeting.accepted", Category.meeting, requester, meeting),
        Rule("techtransfer.meeting.declined", Category.meeting, requester, meeting),
        Rule("techtransfer.meeting.expired", Category.meeting, requester, meeting),
        Rule(
            "techtransfer.meeting.scheduled", Category.meeting, both, meeting,
            fields("starts_at", "table"),
        ),
        Rule(
            "techtransfer.deal.reported", Category.deal,
            orgs_except("reported_by_org_id", "supplier_org_id", "recipient_org_id"),
            subject_of("deal", "deal_id"), fields("record_kind"),
        ),
        # talent: ids only in these events (never the candidate's personal data).
        Rule("talent.claim.granted", Category.claim, orgs("enterprise_org_id"), claim,
             fields("demand_title")),
        Rule("talent.claim.reminded", Category.claim, orgs("agency_id"), claim,
             fields("demand_title", "expires_at")),
        Rule("talent.claim.expired", Category.claim, orgs("agency_id"), claim,
             fields("demand_title")),
        Rule("talent.claim.revoked", Category.claim, orgs("agency_id"), claim,
             fields("demand_title", "reason")),
        Rule("talent.candidate.submitted", Category.claim, orgs("enterprise_org_id"),
             subject_of("candidate", "candidate_id")),
        Rule("talent.candidate.advanced", Category.claim, orgs("agency_id"),
             subject_of("candidate", "candidate_id"), fields("stage")),
        Rule("talent.candidate.rejected", Category.claim, orgs("agency_id"),
             subject_of("candidate", "candidate_id"), fields("reason")),
        Rule("talent.fair.promoted", Category.seat, orgs("org_id"),
             subject_of("fair", "fair_id"), fields("title")),
        Rule("talent.placement.qualified", Category.claim, orgs("agency_id", "enterprise_org_id"),
             subject_of("placement", "placement_id"), fields("role_title")),
        Rule("catalogue.application.approved", Category.application, owner, application, titled),
        Rule("catalogue.application.rejected", Category.application, owner, application, reviewed),
        Rule("catalogue.application.returned", Category.application, owner, application, reviewed),
        Rule("catalogue.docking.proposed", Category.interest, supplier, docking, docked),
        Rule("catalogue.docking.accepted", Category.meeting, buyer, docking, docked),
        Rule("catalogue.docking.declined", Category.interest, buyer, docking, docked),
        Rule(
            "catalogue.first_purchase.recorded", Category.deal, supplier,
            subject_of("product", "product_id"), docked,
        ),
        Rule(  # only when the operator cancelled the event (then a reason is given)
            "catalogue.registration.cancelled", Category.seat,
            lambda data: orgs("org_id")(data) if pick(data, "reason") else [],
            subject_of("event", "event_id"), fields("event_title", "reason"),
        ),
        Rule(
            "catalogue.lead.created", Category.interest, orgs("presenter_org_id"),
            subject_of("event", "event_id"), fields("event_title"),
        ),
        Rule(
            "catalogue.registration.promoted", Category.seat,
            orgs("participant_org_id", "participant.org_id", "organisation_id", "org_id"),
            subject_of("event", "event_id", "launch_event_id"), fields("event_title"),
        ),
        # scenarios: the push (精准推送) with why, and the selection's outcome per applicant
        Rule("scenarios.push.sent", Category.match, orgs("enterprise_org_id"),
             subject_of("scenario", "scenario_id"), _scenario_params),
        Rule("scenarios.proposal.awarded", Category.application, orgs("enterprise_org_id"),
             subject_of("scenario", "scenario_id"), _scenario_params),
        Rule("scenarios.proposal.declined", Category.application, orgs("enterprise_org_id"),
             subject_of("scenario", "scenario_id"), _scenario_params),
        Rule("scenarios.panel.named", Category.application, _panel_experts,
             subject_of("scenario", "scenario_id"), _scenario_params),
        Rule(
            "roadshows.seat.promoted", Category.seat,
            orgs("investor_org_id", "investor.org_id", "organisation_id", "org_id"),
            subject_of("roadshow", "roadshow_id"), fields("roadshow_title"),
        ),
        Rule(
            "roadshows.application.selected", Category.application, orgs("enterprise_org_id"),
            subject_of("roadshow", "roadshow_id"), fields("roadshow_title"),
        ),
        Rule(
            "roadshows.meeting.requested", Category.meeting, orgs("enterprise_org_id"),
            subject_of("roadshow_meeting", "meeting_id"),
        ),
        Rule(
            "roadshows.meeting.scheduled", Category.meeting,
            orgs("investor_org_id", "enterprise_org_id"),
            subject_of("roadshow_meeting", "meeting_id"), fields("slot", "table"),
        ),
        Rule(
            "roadshows.followup.reported", Category.deal, orgs("enterprise_org_id"),
            subject_of("roadshow_meeting", "meeting_id"), fields("stage"),
        ),
        # self-sign-up (issue 17): the organisation's admins hear the operator's decision
        Rule("identity.organisation.verified", Category.account, admins_of("organisation_id"),
             subject_of("organisation", "organisation_id"), fields("name")),
        Rule("identity.organisation.rejected", Category.account, admins_of("organisation_id"),
             subject_of("organisation", "organisation_id"), fields("name", "reason")),
        # monitoring alerts (监测预警): an organisation by id, or operators / a district's
        # government by role (domain/alerts.py)
        Rule(
            "reporting.alert.raised", Category.alert, orgs("recipient_org_id"), alert_subject,
            alert_params, alert_template, alert_groups,
        ),
    ]  # fmt: skip


RULES: dict[str, Rule] = {rule.event_type: rule for rule in _rules()}


def notice_for(event: IncomingEvent, rules: Mapping[str, Rule] = RULES) -> Notice | None:
    """The notice an event makes, or None when nobody is to be told."""
    rule = rules.get(event.type)
    if rule is None:
        return None
    audiences = tuple(rule.audience(event.data))
    groups = tuple(dict.fromkeys(rule.groups(event.data)))
    if not audiences and not groups:
        return None
    kind, record_id = rule.subject(event.data, event.subject)
    regarding = rule.regarding(event.data)
    return Notice(
        event=event,
        category=rule.category,
        audiences=audiences,
        subject_kind=kind,
        subject_id=record_id,
        params=rule.params(event.data),
        template=rule.template(event.data) if rule.template else event.type,
        groups=groups,
        regarding_kind=regarding[0] if regarding else None,
        regarding_id=regarding[1] if regarding else None,
    )


def with_members(notice: Notice, found: Mapping[Group, list[str]]) -> Notice:
    """The notice with its groups' organisations (``found``) added as audiences."""
    audiences = list(notice.audiences)
    for group in notice.groups:
        for org in found.get(group, []):
            if all(a.organisation_id != org or a.user_id or a.roles for a in audiences):
                audiences.append(Audience(org))
    return replace(notice, audiences=tuple(audiences))


def topics(rules: Mapping[str, Rule] = RULES) -> list[str]:
    """Topics the rules need: ``<service>.<entity>`` of each event type."""
    return sorted({".".join(t.split(".")[:2]) for t in rules})
