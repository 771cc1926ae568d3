"""Server-drawn SVG charts for the diary's stats pages.

Every chart is readable without colour: each bar carries its value as text and a <title>, the
<svg> is labelled (role="img", <title> and <desc>), and a visually hidden table beside it holds
the same figures for screen readers and text browsers. Every text that comes from the data
(genre, person or film names) is escaped here, since the markup is built as a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from community.diary.stats import YearInReview

WIDTH = 360  # viewBox units; the CSS scales the drawing to the column (max-width in diary.css)
LABEL_CHARS = 18


@dataclass(frozen=True)
class ChartBar:
    label: str  # the short axis label ("Mar", "1½", "1990s", "Drama")
    value: int
    description: str  # the full text of the bar ("March: 4 films") for <title> and the table


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _summary(bars: Sequence[ChartBar], unit: str) -> str:
    total = sum(b.value for b in bars)
    if not total:
        return f"No {unit} to show."
    top = max(bars, key=lambda b: b.value)
    return f"{total} {unit} in all; the most: {top.description}."


def _figure(
    *, chart_id: str, title: str, svg_body: str, height: int, bars: Sequence[ChartBar], unit: str, column: str
) -> SafeString:
    cid, t = escape(chart_id), escape(title)
    rows = "".join(f'<tr><th scope="row">{escape(b.label)}</th><td>{b.value}</td></tr>' for b in bars)
    return mark_safe(  # noqa: S308 - every dynamic text above and in svg_body is escaped
        f'<figure class="chart" id="{cid}">'
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false">'
        f'<title id="{cid}-title">{t}</title><desc id="{cid}-desc">{escape(_summary(bars, unit))}</desc>'
        f"{svg_body}</svg>"
        f'<figcaption class="chart-caption">{t}</figcaption>'
        # the hidden class on a wrapper: a table ignores the 1px width and would widen the page
        f'<div class="visually-hidden"><table><caption>{t}</caption>'
        f'<thead><tr><th scope="col">{escape(column)}</th>'
        f'<th scope="col">{escape(unit.capitalize())}</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></div></figure>"
    )


def column_chart(
    *, chart_id: str, title: str, bars: Sequence[ChartBar], unit: str = "films", column: str = ""
) -> SafeString:
    """Vertical bars side by side (months of a year, half-star ratings), the value above each."""
    top_pad, plot, bottom = 18, 110, 22
    height = top_pad + plot + bottom
    peak = max((b.value for b in bars), default=0) or 1
    slot = WIDTH / max(len(bars), 1)
    width = slot * 0.7
    parts = [f'<line class="chart-axis" x1="0" y1="{top_pad + plot}" x2="{WIDTH}" y2="{top_pad + plot}"/>']
    for i, bar in enumerate(bars):
        x = i * slot + (slot - width) / 2
        h = round(plot * bar.value / peak, 1)
        y = top_pad + plot - h
        centre = round(i * slot + slot / 2, 1)
        parts.append(
            f'<g class="chart-item"><title>{escape(bar.description)}</title>'
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h}"/>'
            f'<text class="chart-value" x="{centre}" y="{y - 4:.1f}" text-anchor="middle">{bar.value}</text>'
            f'<text class="chart-label" x="{centre}" y="{height - 6}" text-anchor="middle">'
            f"{escape(_short(bar.label))}</text></g>"
        )
    return _figure(
        chart_id=chart_id,
        title=title,
        svg_body="".join(parts),
        height=height,
        bars=bars,
        unit=unit,
        column=column or "Label",
    )


def bar_chart(
    *, chart_id: str, title: str, bars: Sequence[ChartBar], unit: str = "films", column: str = ""
) -> SafeString:
    """Horizontal bars one per row (decades, years, genres): as many rows as there are bars, so
    long lists stay readable on a phone; the value follows each bar."""
    row, label_width, value_room = 22, 118, 36
    height = max(len(bars), 1) * row + 4
    peak = max((b.value for b in bars), default=0) or 1
    span = WIDTH - label_width - value_room
    parts = []
    for i, bar in enumerate(bars):
        y = i * row + 2
        w = round(span * bar.value / peak, 1)
        middle = y + row / 2 + 4
        parts.append(
            f'<g class="chart-item"><title>{escape(bar.description)}</title>'
            f'<text class="chart-label" x="{label_width - 6}" y="{middle}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" width="{w}" height="{row - 6}"/>'
            f'<text class="chart-value" x="{label_width + w + 4:.1f}" y="{middle}">{bar.value}</text></g>'
        )
    return _figure(
        chart_id=chart_id,
        title=title,
        svg_body="".join(parts),
        height=height,
        bars=bars,
        unit=unit,
        column=column or "Label",
    )


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def stars_label(stars: Decimal) -> str:
    """Half stars as Letterboxd writes them: "½", "3", "3½"."""
    whole = int(stars)
    return ("" if whole == 0 and stars % 1 else str(whole)) + ("½" if stars % 1 else "")


def _films(n: int) -> str:
    return f"{n} film{'' if n == 1 else 's'}"


def year_in_review_charts(stats: YearInReview) -> dict[str, SafeString]:
    """The stats page's charts: by month (a year) or by year (all time), ratings, decades, genres."""
    out: dict[str, SafeString] = {}
    if stats.empty:
        return out
    if stats.year is not None:
        out["timeline"] = column_chart(
            chart_id="chart-months",
            title=f"Films watched each month of {stats.year}",
            column="Month",
            bars=[
                ChartBar(name[:3], n, f"{name} {stats.year}: {_films(n)}")
                for name, n in zip(MONTHS, stats.months, strict=True)
            ],
        )
    else:
        out["timeline"] = bar_chart(
            chart_id="chart-years",
            title="Films watched each year",
            column="Year",
            bars=[ChartBar(str(y), n, f"{y}: {_films(n)}") for y, n in stats.years],
        )
    if stats.rated:
        out["ratings"] = column_chart(
            chart_id="chart-ratings",
            title="Ratings given, in half stars",
            column="Stars",
            unit="ratings",
            bars=[
                ChartBar(stars_label(s), n, f"{stars_label(s)} stars: {n} rating{'' if n == 1 else 's'}")
                for s, n in stats.ratings.items()
            ],
        )
    if stats.decades:
        out["decades"] = bar_chart(
            chart_id="chart-decades",
            title="Films watched by the decade they were released",
            column="Decade",
            bars=[
                ChartBar(f"{d}s" if d is not None else "Unknown", n, f"{d}s: {_films(n)}" if d is not None
                         else f"Year unknown: {_films(n)}")
                for d, n in stats.decades
            ],
        )  # fmt: skip
    if stats.genres:
        out["genres"] = bar_chart(
            chart_id="chart-genres",
            title="Most-watched genres",
            column="Genre",
            bars=[ChartBar(g.name, g.watches, f"{g.name}: {_films(g.watches)}") for g in stats.genres],
        )
    return out
