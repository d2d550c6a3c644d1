"""The annual evaluation report (policy 16), per district or for the whole city.

Figures, all for one calendar year in Beijing time:
- funnels: cases published in the year, at each stage they reached (cohort), by month
  and by district (city report) or by domain (district report);
- outcomes: cases whose outcome (deal, deal in Beijing, purchase, hire, eligible
  placement, award, investment) happened in the year, whenever they were published;
- tier movements: additions and removals per list in the year, moves up the ladder
  (培育 → 小升规 → 规升强: added to a list while on, or after having been on, the one
  below) and list sizes at the year's end;
- compliance of policy 10(3): roadshows held or scheduled (not cancelled) per month;
- time to first match and to outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from services.reporting.domain.districts import BEIJING, district_label, month_of
from services.reporting.domain.funnels import (
    Derivation,
    Filter,
    case_district,
    durations,
    funnel_cells,
    rollup,
)
from services.reporting.domain.model import ReadModel
from services.reporting.domain.rules import FUNNELS, MARKET_NAMES_ZH

TIERS = ("cultivation", "small_to_scale", "scale_to_strong")
TIER_NAMES_ZH = {"cultivation": "培育清单", "small_to_scale": "小升规", "scale_to_strong": "规升强"}
OUTCOMES = (("techtransfer", "deal"), ("techtransfer", "deal_in_beijing"),
            ("catalogue", "purchased"), ("talent", "hired"), ("talent", "eligible"),
            ("scenarios", "awarded"), ("roadshows", "invested"))  # fmt: skip
Step = Callable[[str], None]


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _year_end(year: int) -> float:
    return dt.datetime(year + 1, 1, 1, tzinfo=BEIJING).timestamp()


def tier_movements(model: ReadModel, year: int, district: str | None) -> dict[str, Any]:
    y = str(year)
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    ups: Counter[str] = Counter()
    size: Counter[str] = Counter()
    end = _year_end(year)
    for org in model.orgs.values():
        if not org.history or (district and org.district != district):
            continue
        on: set[str] = set()
        ever: set[str] = set()
        for e in sorted(org.history.values(), key=lambda e: e.seq):
            if e.at >= end:
                break
            in_year = month_of(e.at).startswith(y)
            if e.action == "added":
                if in_year:
                    added[e.tier] += 1
                    below = TIERS[TIERS.index(e.tier) - 1] if e.tier != TIERS[0] else None
                    if below and below in ever:
                        ups[f"{below}->{e.tier}"] += 1
                on.add(e.tier)
                ever.add(e.tier)
            else:
                if in_year:
                    removed[e.tier] += 1
                on.discard(e.tier)
        for t in on:
            size[t] += 1
    return {
        "added": {t: added[t] for t in TIERS},
        "removed": {t: removed[t] for t in TIERS},
        "moves": {"cultivation->small_to_scale": ups["cultivation->small_to_scale"],
                  "small_to_scale->scale_to_strong": ups["small_to_scale->scale_to_strong"]},
        "size_at_year_end": {t: size[t] for t in TIERS},
    }  # fmt: skip


def outcomes(der: Derivation, year: int, district: str | None) -> dict[str, Any]:
    y = str(year)
    total: Counter[str] = Counter()
    by_month: dict[str, Counter[str]] = {m: Counter() for m in _months(year)}
    for case in der.model.cases.values():
        if not case.funnel or (district and case_district(der.model, case) != district):
            continue
        stages = der.stages(case)
        for market, stage in OUTCOMES:
            at = stages.get(stage) if case.market == market else None
            if at is not None and (m := month_of(at)).startswith(y):
                total[f"{market}.{stage}"] += 1
                by_month[m][f"{market}.{stage}"] += 1
    keys = [f"{m}.{s}" for m, s in OUTCOMES]
    return {"total": {k: total[k] for k in keys},
            "by_month": {m: {k: c[k] for k in keys} for m, c in by_month.items()}}  # fmt: skip


def compliance(model: ReadModel, year: int) -> dict[str, Any]:
    held: Counter[str] = Counter()
    domains: dict[str, set[str]] = {m: set() for m in _months(year)}
    for r in model.roadshows.values():
        m = month_of(r.at)
        if r.state != "cancelled" and m in domains:
            held[m] += 1
            domains[m].add(r.domain)
    months = {m: {"roadshows": held[m], "domains": sorted(domains[m]), "compliant": held[m] >= 1}
              for m in _months(year)}  # fmt: skip
    return {"months": months, "compliant_months": sum(v["compliant"] for v in months.values())}


def annual_report(model: ReadModel, year: int, district: str | None = None,
                  step: Step = lambda _s: None) -> dict[str, Any]:  # fmt: skip
    der = Derivation(model)
    step("derive")
    cells = funnel_cells(der, Filter(year=year, district=district))
    step("funnels")
    by_month = rollup(cells, ("month",))
    breakdown_dim = "domain" if district else "district"
    breakdown = rollup(cells, (breakdown_dim,))
    totals = rollup(cells, ())
    funnels = {}
    for market, stages in FUNNELS.items():
        zero = [0] * len(stages)
        rows = {k[1]: dict(zip(stages, v, strict=True))
                for k, v in sorted(breakdown.items()) if k[0] == market}  # fmt: skip
        funnels[market] = {
            "name_zh": MARKET_NAMES_ZH[market],
            "stages": list(stages),
            "total": dict(zip(stages, totals.get((market,), zero), strict=True)),
            "by_month": {m: dict(zip(stages, by_month.get((market, m), zero), strict=True))
                         for m in _months(year)},
            f"by_{breakdown_dim}": rows,
        }  # fmt: skip
    report = {
        "year": year,
        "scope": district or "city",
        "scope_name": district_label(district) if district else "全市",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "breakdown": breakdown_dim,
        "funnels": funnels,
    }
    report["outcomes"] = outcomes(der, year, district)
    step("outcomes")
    report["tiers"] = tier_movements(model, year, district)
    step("tiers")
    report["compliance"] = compliance(model, year)
    report["durations"] = durations(der, Filter(year=year, district=district))
    step("durations")
    return report
