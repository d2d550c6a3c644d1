"""Read use cases: funnels, durations, profiles and reports for a viewer, access checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from services.reporting.domain.access import Viewer, check_profile, report_scope
from services.reporting.domain.alerts import Thresholds
from services.reporting.domain.funnels import Derivation, Filter, durations, funnel_cells, rollup
from services.reporting.domain.profile import enterprise_profile
from services.reporting.domain.report import annual_report
from services.reporting.domain.rules import FUNNELS
from services.reporting.usecases.alerts import AlertRaiser, alert_payloads
from services.reporting.usecases.project import Projector


@dataclass
class Deps:
    projector: Projector
    raiser: AlertRaiser
    thresholds: Thresholds
    reader: Any = None  # the topic reader, when this process consumes


def funnels(deps: Deps, viewer: Viewer, flt: Filter, group_by: tuple[str, ...]) -> dict[str, Any]:
    district = report_scope(viewer, flt.district)
    flt = Filter(flt.year, district, flt.market, flt.domain)
    cells = funnel_cells(Derivation(deps.projector.model), flt)
    rows = []
    for key, counts in sorted(rollup(cells, group_by).items()):
        stages = FUNNELS[key[0]]
        row: dict[str, Any] = {"market": key[0], **dict(zip(group_by, key[1:], strict=True))}
        row["stages"] = dict(zip(stages, counts, strict=True))
        rows.append(row)
    return {"year": flt.year, "district": district, "group_by": list(group_by), "rows": rows}


def time_distributions(deps: Deps, viewer: Viewer, flt: Filter) -> dict[str, Any]:
    district = report_scope(viewer, flt.district)
    flt = Filter(flt.year, district, flt.market, flt.domain)
    found = durations(Derivation(deps.projector.model), flt)
    return {
        "year": flt.year,
        "district": district,
        "markets": {m: v for m, v in found.items() if not flt.market or m == flt.market},
    }


def profile(deps: Deps, viewer: Viewer, org_id: str) -> dict[str, Any] | None:
    model = deps.projector.model
    check_profile(viewer, model.orgs.get(org_id), org_id)
    return enterprise_profile(model, org_id)


async def report(deps: Deps, viewer: Viewer, year: int, district: str | None) -> dict[str, Any]:
    scope = report_scope(viewer, district)
    # On the event loop on purpose: the reader mutates the facts between awaits, so a
    # thread walking them could see a dict change size. A city report of a million events
    # takes seconds (make bench-report); the reader simply resumes after it.
    return annual_report(deps.projector.model, year, scope)


def alerts(deps: Deps, viewer: Viewer) -> list[dict[str, Any]]:
    found = alert_payloads(deps.projector.model, dt.datetime.now(dt.UTC), deps.thresholds)
    if viewer.operator:
        return found
    orgs = deps.projector.model.orgs
    if viewer.district_official:

        def in_district(a: dict[str, Any]) -> bool:
            org = orgs.get(a["recipient_org_id"] or "")
            return a["district"] == viewer.district or (
                org is not None and org.district == viewer.district
            )

        return [a for a in found if in_district(a)]
    return [a for a in found if a["recipient_org_id"] == viewer.org_id]


def status(deps: Deps) -> dict[str, Any]:
    p = deps.projector
    m = p.model
    return {
        "generation": p.checkpoint.generation,
        "applied": p.checkpoint.applied,
        "organisations": len(m.orgs),
        "cases": len(m.cases),
        "items": len(m.items),
        "roadshows": len(m.roadshows),
        "partitions": len(p.offsets),
    }
