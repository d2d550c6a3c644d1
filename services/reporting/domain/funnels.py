"""Funnels and time distributions, derived from the facts when asked.

A case is counted in the month (Beijing time) it was published, in its owner's district
(identity's code; the record's own district when identity never named one) and under its
first domain, so a breakdown by district or domain adds up to the market's total. A case
counts at every stage up to the furthest it reached (see ``rules``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from services.reporting.domain.districts import UNKNOWN, month_of
from services.reporting.domain.facts import Case, Item
from services.reporting.domain.model import ReadModel
from services.reporting.domain.rules import FUNNELS, OUTCOME, RETRACTED

Key = tuple[str, str, str, str]  # market, month, district, domain
HOUR, DAY = 3600.0, 86400.0
MATCH_BUCKETS = (("<1h", HOUR), ("1-24h", DAY), ("1-7d", 7 * DAY), ("7-30d", 30 * DAY),
                 (">30d", math.inf))  # fmt: skip
OUTCOME_BUCKETS = (("<7d", 7 * DAY), ("7-30d", 30 * DAY), ("30-90d", 90 * DAY),
                   ("90-180d", 180 * DAY), (">180d", math.inf))  # fmt: skip


@dataclass(frozen=True)
class Filter:
    """Which cases a figure covers: a year, a district (None: the whole city), a market."""

    year: int | None = None
    district: str | None = None
    market: str | None = None
    domain: str | None = None


def case_district(model: ReadModel, case: Case) -> str:
    org = model.orgs.get(case.owner)
    if org is not None and org.district:
        return org.district
    return case.district or UNKNOWN


def case_month(case: Case) -> str | None:
    start = case.published_at
    if start is None and case.stages:
        start = min(case.stages.values())
    return None if start is None else month_of(start)


class Derivation:
    """Stages of every case, with the techtransfer meetings joined in (computed once)."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self.meetings: dict[tuple[str, str], float] = {}
        # the items the derivation joins, by case, in the same single pass
        self.joined: dict[str, list[Item]] = {}
        wanted = {"interest"} | {entity for entity, _ in RETRACTED.values()}
        for item in model.items.values():
            if item.entity == "meeting" and item.market == "techtransfer":
                pair = (min(item.actor, item.counterpart), max(item.actor, item.counterpart))
                held = self.meetings.get(pair)
                self.meetings[pair] = item.first_at if held is None else min(held, item.first_at)
            elif item.entity in wanted and item.case_id:
                self.joined.setdefault(item.case_id, []).append(item)

    def stages(self, case: Case) -> dict[str, float]:
        stages = case.stages
        if any(stage in stages for stage in RETRACTED):
            stages = self._unretracted(case)
        if case.market != "techtransfer" or not self.meetings or "meeting" in stages:
            return stages
        best = None
        for item in self.joined.get(case.id, ()):
            if item.entity != "interest":
                continue
            pair = (min(item.actor, case.owner), max(item.actor, case.owner))
            at = self.meetings.get(pair)
            if at is not None and (best is None or at < best):
                best = at
        return stages if best is None else {**stages, "meeting": best}

    def _unretracted(self, case: Case) -> dict[str, float]:
        items = self.joined.get(case.id, ())
        kept = dict(case.stages)
        for stage, (entity, states) in RETRACTED.items():
            if stage not in kept:
                continue
            mine = [i for i in items if i.entity == entity]
            if mine and all(i.state in states for i in mine):
                del kept[stage]
        return kept

    def cases(self, flt: Filter) -> Iterator[tuple[Key, Case, dict[str, float]]]:
        year = str(flt.year) if flt.year else None
        for case in self.model.cases.values():
            if not case.funnel or (flt.market and case.market != flt.market):
                continue
            month = case_month(case)
            if month is None or (year and not month.startswith(year)):
                continue
            district = case_district(self.model, case)
            if flt.district and district != flt.district:
                continue
            if flt.domain and case.domain != flt.domain:
                continue
            yield (case.market, month, district, case.domain), case, self.stages(case)


def furthest(market: str, stages: dict[str, float]) -> int:
    """Index of the furthest funnel stage reached (-1: none)."""
    order = FUNNELS[market]
    reached = -1
    for i, stage in enumerate(order):
        if stage in stages:
            reached = i
    return reached


def funnel_cells(der: Derivation, flt: Filter) -> dict[Key, list[int]]:
    """Stage counts per (market, month, district, domain)."""
    cells: dict[Key, list[int]] = {}
    for key, case, stages in der.cases(flt):
        top = furthest(case.market, stages)
        if top < 0:
            continue
        if key not in cells:
            cells[key] = [0] * len(FUNNELS[case.market])
        row = cells[key]
        for i in range(top + 1):
            row[i] += 1
    return cells


def rollup(cells: dict[Key, list[int]], by: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
    """Sum cells over the dimensions not in ``by`` (market is always kept)."""
    pos = {"month": 1, "district": 2, "domain": 3}
    out: dict[tuple[str, ...], list[int]] = {}
    for key, row in cells.items():
        k = (key[0], *(key[pos[d]] for d in by))
        acc = out.get(k)
        if acc is None:
            out[k] = list(row)
        else:
            for i, v in enumerate(row):
                acc[i] += v
    return out


def _bucket(value: float, buckets: tuple[tuple[str, float], ...]) -> str:
    for name, bound in buckets:
        if value < bound:
            return name
    return buckets[-1][0]


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[i]


def distribution(values: list[float], unit: float, buckets: tuple[tuple[str, float], ...]) -> dict:
    values.sort()
    counts = {name: 0 for name, _ in buckets}
    for v in values:
        counts[_bucket(v, buckets)] += 1
    p50, p90 = _percentile(values, 0.5), _percentile(values, 0.9)
    return {
        "count": len(values),
        "buckets": counts,
        "p50": None if p50 is None else round(p50 / unit, 2),
        "p90": None if p90 is None else round(p90 / unit, 2),
    }


def durations(der: Derivation, flt: Filter) -> dict[str, dict[str, dict]]:
    """Per market: time to first match (hours) and to the outcome (days)."""
    match: dict[str, list[float]] = {m: [] for m in FUNNELS}
    outcome: dict[str, list[float]] = {m: [] for m in FUNNELS}
    for _key, case, stages in der.cases(flt):
        if case.published_at is None:
            continue
        first = stages.get("matched")
        if first is not None:
            match[case.market].append(max(0.0, first - case.published_at))
        done = stages.get(OUTCOME[case.market])
        if done is not None:
            outcome[case.market].append(max(0.0, done - case.published_at))
    return {
        m: {
            "first_match_hours": distribution(match[m], HOUR, MATCH_BUCKETS),
            "outcome_days": distribution(outcome[m], DAY, OUTCOME_BUCKETS),
        }
        for m in FUNNELS
    }
