"""Inline SVG charts for the printable report: no script, no CDN, prints as vector."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f5fa8", "#3a8dde", "#6bb0f0", "#f0a23a", "#d9534f", "#5cb85c", "#8e6cc0")


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    *,
    width: int = 640,
    height: int = 240,
    color: str = PALETTE[0],
) -> str:
    """Vertical bars with their values written above them."""
    pad_l, pad_b, pad_t = 40, 40, 30
    n = max(1, len(values))
    top = max([*values, 1])
    slot = (width - pad_l - 10) / n
    bar = slot * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>',
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - 10}" y2="{height - pad_b}" '
        'stroke="#999"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (height - pad_b - pad_t) * value / top
        x = pad_l + i * slot + (slot - bar) / 2
        y = height - pad_b - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value:g}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - pad_b + 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(title: str, stages: list[str], values: list[int], *, width: int = 640) -> str:
    """Horizontal bars, one per stage, with the share of the first stage."""
    row, pad_l = 26, 150
    height = 30 + row * len(stages)
    top = max([*values, 1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>',
    ]
    first = values[0] if values and values[0] else 0
    for i, (stage, value) in enumerate(zip(stages, values, strict=True)):
        w = (width - pad_l - 80) * value / top
        y = 26 + i * row
        share = f" ({value / first:.0%})" if first else ""
        parts.append(f'<text x="{pad_l - 6}" y="{y + 14}" text-anchor="end">{escape(stage)}</text>')
        parts.append(
            f'<rect x="{pad_l}" y="{y}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{pad_l + w + 4:.1f}" y="{y + 14}">{value}{share}</text>')
    parts.append("</svg>")
    return "".join(parts)
