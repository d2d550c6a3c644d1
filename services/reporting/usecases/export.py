"""The annual report as files: XLSX (openpyxl) and printable HTML with inline SVG charts."""

from __future__ import annotations

import io
from html import escape
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from services.reporting.domain.districts import district_label
from services.reporting.domain.report import TIER_NAMES_ZH
from services.reporting.usecases.charts import bar_chart, funnel_chart

STAGE_ZH = {
    "published": "发布",
    "interest": "意向",
    "meeting": "洽谈",
    "deal": "成交",
    "deal_in_beijing": "在京转化",
    "applied": "申请",
    "listed": "入库",
    "docking": "对接",
    "purchased": "采购",
    "posted": "发布",
    "claimed": "认领",
    "candidate": "推荐",
    "hired": "录用",
    "eligible": "可获支持",
    "pushed": "推送",
    "awarded": "入选",
    "pitched": "路演申请",
    "selected": "入选路演",
    "met": "约见",
    "invested": "投资",
}


def _label(stage: str) -> str:
    return f"{STAGE_ZH.get(stage, stage)} {stage}"


def to_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "概览 Summary"
    ws.append([f"{report['year']} 年度评估报告 / Annual evaluation", report["scope_name"]])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["生成时间 generated", report["generated_at"]])
    ws.append([])
    ws.append(["成果 Outcome", "数量 Count"])
    for key, value in report["outcomes"]["total"].items():
        ws.append([key, value])
    ws.append([])
    ws.append(["清单 Tier", "新增 added", "移出 removed", "年末 at year end"])
    tiers = report["tiers"]
    for t, name in TIER_NAMES_ZH.items():
        ws.append([name, tiers["added"][t], tiers["removed"][t], tiers["size_at_year_end"][t]])
    for move, n in tiers["moves"].items():
        ws.append([move, n])
    for market, funnel in report["funnels"].items():
        sheet = wb.create_sheet(f"{funnel['name_zh'][:12]} {market}"[:31])
        stages = funnel["stages"]
        sheet.append(["月份 month", *(_label(s) for s in stages)])
        for month, row in funnel["by_month"].items():
            sheet.append([month, *(row[s] for s in stages)])
        sheet.append(["合计 total", *(funnel["total"][s] for s in stages)])
        chart = BarChart()
        chart.title = f"{funnel['name_zh']} {report['year']}"
        chart.add_data(
            Reference(sheet, min_col=2, min_row=1, max_col=1 + len(stages), max_row=13),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=13))
        sheet.add_chart(chart, "A17")
        dim = report["breakdown"]
        sheet.cell(row=1, column=len(stages) + 3, value=f"{dim}")
        for i, (key, row) in enumerate(funnel[f"by_{dim}"].items(), start=2):
            name = district_label(key) if dim == "district" else key
            sheet.cell(row=i, column=len(stages) + 3, value=name)
            for j, s in enumerate(stages):
                sheet.cell(row=i, column=len(stages) + 4 + j, value=row[s])
    comp = wb.create_sheet("路演合规 10(3)")
    comp.append(["月份 month", "路演场次 roadshows", "领域 domains", "达标 compliant"])
    for month, row in report["compliance"]["months"].items():
        comp.append(
            [month, row["roadshows"], ",".join(row["domains"]), "是" if row["compliant"] else "否"]
        )
    dur = wb.create_sheet("时效 Durations")
    dur.append(["市场 market", "measure", "count", "p50", "p90", "buckets"])
    for market, d in report["durations"].items():
        for measure, dist in d.items():
            dur.append(
                [
                    market,
                    measure,
                    dist["count"],
                    dist["p50"],
                    dist["p90"],
                    "; ".join(f"{k}:{v}" for k, v in dist["buckets"].items()),
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: dict[str, Any]) -> str:
    y, scope = report["year"], report["scope_name"]
    parts = [
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{y} 年度评估报告 {escape(scope)}</title><style>"
        "body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
        "padding:2px 6px;font-size:12px;text-align:right}th{background:#eef}"
        "section{page-break-inside:avoid;margin-bottom:1.5em}"
        "@media print{section{page-break-after:auto}}</style></head><body>",
        f"<h1>{y} 年度高新技术企业工作评估报告 · {escape(scope)}</h1>",
        f"<p>Annual evaluation report (policy 16) · generated {report['generated_at']}</p>",
    ]
    outcomes = report["outcomes"]["total"]
    parts.append("<section><h2>成果 Outcomes</h2>")
    parts.append(bar_chart("年度成果 outcomes", list(outcomes), list(outcomes.values())))
    parts.append(_table(["outcome", "count"], [[k, v] for k, v in outcomes.items()]) + "</section>")
    for market, f in report["funnels"].items():
        stages = f["stages"]
        parts.append(f"<section><h2>{escape(f['name_zh'])} {market}</h2>")
        parts.append(
            funnel_chart(
                f"{f['name_zh']} 漏斗", [_label(s) for s in stages], [f["total"][s] for s in stages]
            )
        )
        parts.append(
            bar_chart(
                f"{stages[0]} 每月 per month",
                [m[5:] for m in f["by_month"]],
                [r[stages[0]] for r in f["by_month"].values()],
            )
        )
        dim = report["breakdown"]
        rows = [
            [district_label(k) if dim == "district" else k, *(r[s] for s in stages)]
            for k, r in f[f"by_{dim}"].items()
        ]
        parts.append(_table([dim, *(_label(s) for s in stages)], rows) + "</section>")
    tiers = report["tiers"]
    parts.append("<section><h2>梯度培育 Tier movements</h2>")
    parts.append(
        _table(
            ["tier", "added", "removed", "at year end"],
            [
                [
                    TIER_NAMES_ZH[t],
                    tiers["added"][t],
                    tiers["removed"][t],
                    tiers["size_at_year_end"][t],
                ]
                for t in TIER_NAMES_ZH
            ],
        )
    )
    parts.append(
        _table(["move", "count"], [[k, v] for k, v in tiers["moves"].items()]) + "</section>"
    )
    comp = report["compliance"]
    parts.append(f"<section><h2>路演合规 policy 10(3): {comp['compliant_months']}/12</h2>")
    parts.append(
        bar_chart(
            "每月路演场次 roadshows per month",
            [m[5:] for m in comp["months"]],
            [v["roadshows"] for v in comp["months"].values()],
        )
    )
    parts.append("</section><section><h2>时效 Durations</h2>")
    rows = [
        [m, k, d["count"], d["p50"], d["p90"]]
        for m, v in report["durations"].items()
        for k, d in v.items()
    ]
    parts.append(_table(["market", "measure", "count", "p50", "p90"], rows) + "</section>")
    parts.append("</body></html>")
    return "".join(parts)
