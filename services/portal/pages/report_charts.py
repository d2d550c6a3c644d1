"""Reporting's ``/funnels`` figures (one row per market and month) shaped for the page:
one funnel per market (stages in the service's order, summed over the year) and the
cases published per month and market. Labels are in the reader's language; the page
draws them with ECharts and shows the same numbers as tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def funnel_overview(figures: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
    year = figures.get("year")
    totals: dict[str, dict[str, int]] = {}
    first: dict[str, dict[str, int]] = {}  # market -> month -> cases published (stage one)
    for row in figures.get("rows", []):
        market = str(row.get("market", ""))
        stages = totals.setdefault(market, {})
        counts = row.get("stages") or {}
        for stage, count in counts.items():  # the service's stage order
            stages[stage] = stages.get(stage, 0) + int(count)
        if counts and row.get("month"):
            by_month = first.setdefault(market, {})
            month = str(row["month"])
            by_month[month] = by_month.get(month, 0) + int(next(iter(counts.values())))
    months = [f"{year}-{m:02d}" for m in range(1, 13)] if year else sorted(
        {month for by_month in first.values() for month in by_month})  # fmt: skip
    markets = [
        {
            "code": market,
            "name": label(f"market:{market}"),
            "stages": [
                {"code": s, "name": label(f"stage:{s}"), "count": n} for s, n in stages.items()
            ],
        }
        for market, stages in totals.items()
    ]
    series = [
        {"name": label(f"market:{m}"), "data": [first.get(m, {}).get(month, 0) for month in months]}
        for m in totals
    ]
    empty = not any(s["count"] for m in markets for s in m["stages"])
    return {"markets": markets, "months": months, "series": series, "empty": empty}
