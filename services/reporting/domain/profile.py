"""The enterprise profile (企业画像): tier and history, what it published and answered in
the five markets, its matches and its outcomes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.reporting.domain.districts import district_label
from services.reporting.domain.funnels import Derivation, furthest
from services.reporting.domain.model import ReadModel
from services.reporting.domain.rules import FUNNELS, OUTCOME

RECENT = 20
# Items where the organisation as actor has an outcome (hired at, awarded, invested in...).
OUTCOME_ENTITIES = {"deal", "placement", "purchase", "investment"}


def _iso(ts: float | None) -> str | None:
    import datetime as dt

    return None if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


def enterprise_profile(model: ReadModel, org_id: str) -> dict[str, Any] | None:
    org = model.orgs.get(org_id)
    cases = model.owned_cases(org_id)
    items = model.items_of(org_id)
    if org is None and not cases and not items:
        return None
    der = Derivation(model)
    published: Counter[str] = Counter()
    records = []
    outcomes: Counter[str] = Counter()
    for case in cases:
        published[case.market] += 1
        stages = der.stages(case) if case.funnel else case.stages
        stage = FUNNELS[case.market][furthest(case.market, stages)] if case.funnel and furthest(
            case.market, stages) >= 0 else None  # fmt: skip
        if case.funnel and OUTCOME[case.market] in stages:
            outcomes[OUTCOME[case.market]] += 1
        records.append({"id": case.id, "market": case.market, "kind": case.kind,
                        "title": case.title, "status": case.status, "stage": stage,
                        "published_at": _iso(case.published_at)})  # fmt: skip
    answered: Counter[str] = Counter()
    matches = 0
    recent = []
    for item in items:
        if item.entity == "match":
            matches += 1
        elif item.actor == org_id:
            answered[f"{item.market}.{item.entity}"] += 1
            if item.entity in OUTCOME_ENTITIES and item.state not in ("disputed", "ended"):
                outcomes[f"{item.entity}_as_party"] += 1
        recent.append(item)
    recent.sort(key=lambda i: i.last_at, reverse=True)
    history = sorted(org.history.values(), key=lambda e: e.seq) if org else []
    return {
        "organisation_id": org_id,
        "name": org.name if org else "",
        "type": org.type if org else "",
        "district": org.district if org else None,
        "district_name": district_label(org.district) if org and org.district else None,
        "domains": org.domains if org else [],
        "tiers": org.tiers if org else [],
        "tier_history": [{"seq": e.seq, "tier": e.tier, "action": e.action, "at": _iso(e.at),
                          "reason": e.reason, "automatic": e.automatic} for e in history],
        "published": dict(published),
        "records": sorted(records, key=lambda r: r["published_at"] or "", reverse=True)[:100],
        "answered": dict(answered),
        "matches": matches,
        "outcomes": dict(outcomes),
        "recent_activity": [{"id": i.id, "market": i.market, "entity": i.entity,
                             "state": i.state, "at": _iso(i.last_at)} for i in recent[:RECENT]],
    }  # fmt: skip
