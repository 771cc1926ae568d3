"""A film's ratings and sentiment over time, and its trend (for the studio console's figures)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

TREND_MIN_RATINGS = 20
TREND_MAX_MONTHS = 120
TREND_STEP = 0.1  # a change in average smaller than this is "steady"


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _month(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m")


def _periods(first: str, last: str, granularity: str) -> list[str]:
    if granularity == "year":
        return [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def _months_before(dt: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the day clamped to 28)."""
    index = dt.year * 12 + dt.month - 1 - months
    return dt.replace(year=index // 12, month=index % 12 + 1, day=min(dt.day, 28))


def rating_series(
    ratings: list[tuple[int, Decimal, datetime]], analysed: list[dict[str, Any]], *, min_members: int
) -> tuple[str, list]:
    """Ratings and review sentiment per month, or per year when most months hold fewer than
    `min_members` ratings; each point with the number of ratings and reviews behind it."""
    by_month: dict[str, list[float]] = defaultdict(list)
    for _user, score, created in ratings:
        by_month[_month(created)].append(float(score))
    sentiment_by_month: dict[str, Counter] = defaultdict(Counter)
    for review in analysed:
        sentiment_by_month[_month(review["created_at"])][review["label"]] += 1
    months = sorted(set(by_month) | set(sentiment_by_month))
    if not months:
        return "month", []
    busy = sum(1 for m in by_month if len(by_month[m]) >= min_members)
    granularity = "month" if busy * 2 >= max(1, len(by_month)) else "year"
    key = (lambda p: p) if granularity == "month" else (lambda p: p[:4])
    scores: dict[str, list[float]] = defaultdict(list)
    labels: dict[str, Counter] = defaultdict(Counter)
    for month, values in by_month.items():
        scores[key(month)].extend(values)
    for month, counter in sentiment_by_month.items():
        labels[key(month)].update(counter)
    series = []
    for period in _periods(months[0], months[-1], granularity):
        values = scores.get(period, [])
        counter = labels.get(period, Counter())
        reviews = sum(counter.values())
        series.append(
            {
                "period": period,
                "ratings": len(values),
                "average": _rounded(sum(values) / len(values)) if values else None,
                "reviews": reviews,
                "net_sentiment": _rounded((counter["positive"] - counter["negative"]) / reviews)
                if reviews
                else None,
            }
        )
    return granularity, series


def rating_trend(ratings: list[tuple[int, Decimal, datetime]], now: datetime) -> tuple[str, dict[str, Any]]:
    """The last `months` against the `months` before, widened until each holds 20 ratings."""
    dated = [(created, float(score)) for _u, score, created in ratings]
    if len(dated) < 2 * TREND_MIN_RATINGS:
        return "", {}
    for months in range(12, TREND_MAX_MONTHS + 1, 12):
        start_recent = _months_before(now, months)
        start_previous = _months_before(now, 2 * months)
        recent = [s for c, s in dated if start_recent < c <= now]
        previous = [s for c, s in dated if start_previous < c <= start_recent]
        if len(recent) >= TREND_MIN_RATINGS and len(previous) >= TREND_MIN_RATINGS:
            recent_avg, previous_avg = sum(recent) / len(recent), sum(previous) / len(previous)
            change = recent_avg - previous_avg
            trend = "up" if change >= TREND_STEP else "down" if change <= -TREND_STEP else "flat"
            return trend, {
                "months": months,
                "recent_average": round(recent_avg, 3),
                "recent_count": len(recent),
                "previous_average": round(previous_avg, 3),
                "previous_count": len(previous),
                "change": round(change, 3),
                "until": _month(now),
            }
    return "", {}
