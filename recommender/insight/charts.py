"""Server-side SVG charts for the console: no script, no inline style, readable without colour.

Each chart carries a <title> and <desc> (its text alternative); the page also prints the same
numbers in a data table. Values hidden for privacy (fewer than 5 members) leave a gap marked
"<5" rather than a bar or point. Series use shapes and dash patterns, not colour alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#f5c518"
MUTED = "#8b93a1"
LINE = "#3b4250"
TEXT = "#d7dae0"
POSITIVE = "#8ff0b4"
NEGATIVE = "#ffb0b0"


def _svg(
    width: int, height: int, title: str, desc: str, body: Sequence[str], css_class: str = "chart"
) -> SafeString:
    ident = f"chart-{uuid.uuid4().hex[:10]}"
    head = format_html(
        '<svg class="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        css_class,
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        desc,
    )
    svg = head + "".join(body) + "</svg>"
    if css_class == "chart":
        # On a phone the chart keeps a readable text size and scrolls sideways in its own box
        # (the page itself never does); its data table below says the same in words.
        svg = '<div class="chart-scroll">' + svg + "</div>"
    return mark_safe(svg)  # noqa: S308 - every part is escaped above


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 12, fill: str = TEXT) -> str:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>',
        round(x, 1),
        round(y, 1),
        anchor,
        size,
        fill,
        text,
    )


def histogram_svg(histogram: Sequence[dict[str, Any]]) -> SafeString:
    """Ten bars, 0.5 to 5 stars, each labelled with its count ("<5" when hidden)."""
    width, height, left, bottom, top = 520, 200, 10, 30, 20
    bar_w = (width - 2 * left) / 10
    shown = [h["ratings"] or 0 for h in histogram]
    peak = max(shown, default=0) or 1
    body: list[str] = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            left,
            height - bottom,
            width - left,
            height - bottom,
            LINE,
        )
    ]
    parts = []
    for i, h in enumerate(histogram):
        x = left + i * bar_w
        count = h["ratings"]
        label = "<5" if count is None else str(count)
        bar_h = 0 if not count else (height - bottom - top) * count / peak
        y = height - bottom - bar_h
        if bar_h:
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"/>',
                    round(x + 3, 1),
                    round(y, 1),
                    round(bar_w - 6, 1),
                    round(bar_h, 1),
                    ACCENT,
                )
            )
        body.append(_text(x + bar_w / 2, y - 5, label, size=12))
        body.append(_text(x + bar_w / 2, height - bottom + 16, f"{h['stars']:g}★", size=12, fill=MUTED))
        parts.append(f"{h['stars']:g} stars: {'fewer than 5' if count is None else count}")
    return _svg(width, height, "Ratings by half star", "; ".join(parts) + ".", body)


def _scale(value: float, lo: float, hi: float, y0: float, y1: float) -> float:
    return y0 + (value - lo) / (hi - lo) * (y1 - y0)


def series_svg(
    series: Sequence[dict[str, Any]], *, key: str, lo: float, hi: float, title: str, unit: str, shape: str
) -> SafeString:
    """One line over time (average rating, or net sentiment) with a marker on each shown point.

    Periods whose value is hidden or missing break the line. The x axis labels first, middle
    and last periods; the data table under the chart lists every period.
    """
    width, height, left, right, top, bottom = 640, 200, 44, 12, 14, 28
    n = len(series)
    body: list[str] = []
    # horizontal guides with their values
    for tick in (lo, (lo + hi) / 2, hi):
        y = _scale(tick, lo, hi, height - bottom, top)
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="2 4"/>',
                left,
                round(y, 1),
                width - right,
                round(y, 1),
                LINE,
            )
        )
        body.append(
            _text(
                left - 6,
                y + 4,
                f"{tick:+.1f}" if lo < 0 else f"{tick:.1f}",
                anchor="end",
                size=12,
                fill=MUTED,
            )
        )
    if n == 0:
        return _svg(width, height, title, "No data yet.", body)
    step = (width - left - right) / max(1, n - 1) if n > 1 else 0
    points: list[tuple[float, float] | None] = []
    for i, p in enumerate(series):
        value = p.get(key)
        x = left + (i * step if n > 1 else (width - left - right) / 2)
        points.append(None if value is None else (x, _scale(value, lo, hi, height - bottom, top)))
    runs: list[list[tuple[float, float]]] = [[]]
    for pt in points:
        if pt is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(pt)
    dash = "" if shape == "circle" else ' stroke-dasharray="6 3"'
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(f'<polyline points="{coords}" fill="none" stroke="{ACCENT}" stroke-width="2"{dash}/>')
    for pt in points:
        if pt is None:
            continue
        x, y = pt
        if shape == "circle":
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}"/>')
        else:
            body.append(f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{ACCENT}"/>')
    for i in sorted({0, n // 2, n - 1}):
        x = left + (i * step if n > 1 else (width - left - right) / 2)
        body.append(_text(x, height - 8, series[i]["period"], size=12, fill=MUTED))
    shown = [(p["period"], p[key]) for p in series if p.get(key) is not None]
    hidden = sum(1 for p in series if p.get(key) is None)
    desc = "; ".join(
        f"{period}: {value:+.2f}" if lo < 0 else f"{period}: {value:.2f}" for period, value in shown
    )
    desc = (desc or "No period has enough members to show") + (
        f". {hidden} periods have no value (no data or fewer than 5 members)." if hidden else "."
    )
    return _svg(width, height, f"{title} ({unit})", desc, body)


def share_bar_svg(positive: float | None, negative: float | None, label: str) -> SafeString:
    """A stacked bar: positive share (solid), negative share (hatched by a dash pattern), the rest empty."""
    if positive is None or negative is None:
        return mark_safe("")
    width, height = 200, 14
    pos_w, neg_w = width * positive, width * negative
    body: list[str] = [
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="none" stroke="{LINE}"/>',
        f'<rect x="0" y="0" width="{pos_w:.1f}" height="{height}" fill="{POSITIVE}"/>',
        f'<rect x="{width - neg_w:.1f}" y="0" width="{neg_w:.1f}" height="{height}" fill="{NEGATIVE}" '
        f'stroke="#1a0505" stroke-dasharray="2 2"/>',
    ]
    desc = f"{round(positive * 100)}% positive, {round(negative * 100)}% negative"
    return _svg(width, height, label, desc, body, css_class="share-bar")
