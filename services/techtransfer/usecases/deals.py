"""Deals after an accepted expression: report, confirm (yielding the 9(4) support
eligibility record when it qualifies), dispute; the eligibility list for operators."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.techtransfer import events
from services.techtransfer.domain import deals as domain
from services.techtransfer.domain.deals import Deal, DealReport, SupportEligibility
from services.techtransfer.domain.errors import Conflict, Forbidden, NotFound
from services.techtransfer.domain.transitions import Transition
from services.techtransfer.storage import Duplicate, queries
from services.techtransfer.usecases import Deps, new_id, require_party, retrying
from shared.auth import Caller


class DealView(BaseModel):
    deal: Deal
    eligibility: SupportEligibility | None = None


def _view(doc: dict[str, Any], deal: Deal) -> DealView:
    raw = doc.get("eligibility")
    return DealView(deal=deal, eligibility=SupportEligibility.model_validate(raw) if raw else None)


async def _load(deps: Deps, deal_id: str) -> tuple[Deal, dict[str, Any]]:
    doc = await deps.repos.deals.raw(deal_id)
    if doc is None:
        raise NotFound("deal_id", f"no deal {deal_id}", zh=f"没有编号为 {deal_id} 的成交")
    return deps.repos.deals.from_doc(doc), doc


def _is_side(deal: Deal, caller: Caller) -> bool:
    return caller.organisation_id in {deal.supplier.org_id, deal.recipient.org_id}


async def report(deps: Deps, caller: Caller, interest_id: str, body: DealReport) -> DealView:
    """Either side of an accepted expression reports what was agreed."""
    party = require_party(caller, "report a deal")
    interest = await deps.repos.interests.get(interest_id)
    if interest is None:
        raise NotFound(
            "interest_id",
            f"no expression of interest {interest_id}",
            zh=f"没有编号为 {interest_id} 的合作意向",
        )
    existing = await deps.repos.deals.find({"interest_id": interest_id})
    t = domain.report_deal(new_id(), interest, party, body, deps.now(), existing)
    try:
        await deps.repos.deals.add(t.entity, events.deal_events(t.entity, t.events, None))
    except Duplicate:
        raise Conflict(
            "interest_id",
            "a deal for this expression is already reported",
            zh="该合作意向的成交已报告",
        ) from None
    return DealView(deal=t.entity)


async def get(deps: Deps, caller: Caller, deal_id: str) -> DealView:
    deal, doc = await _load(deps, deal_id)
    if not caller.is_operator and not _is_side(deal, caller):
        raise Forbidden(
            "actor", "only the two sides of a deal may read it", zh="只有成交双方可以查看"
        )
    return _view(doc, deal)


async def list_for(deps: Deps, caller: Caller) -> list[DealView]:
    """The caller's deals (operators: all), newest first."""
    query = queries.deals_of(None if caller.is_operator else caller.organisation_id)
    docs = await deps.repos.deals.find_raw(query)
    views = [_view(d, deps.repos.deals.from_doc(d)) for d in docs]
    views.sort(key=lambda v: v.deal.reported_at, reverse=True)
    return views


async def _decide(deps: Deps, caller: Caller, deal_id: str, command: Any) -> DealView:
    party = require_party(caller, "answer a deal report")

    async def attempt() -> DealView | None:
        deal, _ = await _load(deps, deal_id)
        now = deps.now()
        t: Transition[Deal] = command(deal, party, now)
        eligibility = domain.support_eligibility(t.entity, now)
        more = {"eligibility": eligibility.model_dump(mode="json")} if eligibility else None
        saved = await deps.repos.deals.save(
            t.entity,
            expected_version=deal.version,
            envelopes=events.deal_events(t.entity, t.events, eligibility),
            more=more,
        )
        if not saved:
            return None
        return DealView(deal=t.entity, eligibility=eligibility)

    return await retrying(attempt, "deal")


async def confirm(deps: Deps, caller: Caller, deal_id: str) -> DealView:
    """The other side confirms; a qualifying in-Beijing transfer records 9(4) eligibility."""
    return await _decide(deps, caller, deal_id, domain.confirm_deal)


async def dispute(deps: Deps, caller: Caller, deal_id: str, reason: str) -> DealView:
    return await _decide(
        deps, caller, deal_id, lambda d, p, now: domain.dispute_deal(d, p, reason, now)
    )


async def eligibility_records(deps: Deps, caller: Caller) -> list[SupportEligibility]:
    """Operators only: every 9(4) support-eligibility record, newest first."""
    if not caller.is_operator:
        raise Forbidden(
            "actor",
            "only operators see support-eligibility records",
            zh="只有运营方可以查看支持资格记录",
        )
    docs = await deps.repos.deals.find_raw(queries.eligible_deals())
    found = [
        SupportEligibility.model_validate(d["eligibility"]) for d in docs if d.get("eligibility")
    ]
    found.sort(key=lambda e: e.recorded_at, reverse=True)
    return found
