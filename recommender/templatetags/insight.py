"""Template helpers of the studio console, and the site navigation's "Studio" link."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from recommender.insight import charts
from recommender.insight import selectors as insight_selectors

register = template.Library()

NAV_CACHE_SECONDS = 60


@register.simple_tag
def studio_nav_item(user) -> SafeString:
    """A "Studio" item for the main navigation, only for members of a studio (cached a minute)."""
    if not getattr(user, "is_authenticated", False):
        return mark_safe("")
    key = f"insight:studio-member:{user.pk}"
    member = cache.get(key)
    if member is None:
        member = insight_selectors.member_has_studio(user=user)
        cache.set(key, member, NAV_CACHE_SECONDS)
    if not member:
        return mark_safe("")
    from django.urls import reverse

    return format_html('<li><a href="{}">Studio</a></li>', reverse("recommender:studio_home"))


@register.filter
def few(value: Any) -> Any:
    """A count hidden for privacy (None) reads "fewer than 5"."""
    return insight_selectors.FEWER if value is None else value


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:+.{int(digits)}f}"


@register.filter
def fixed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{int(digits)}f}"


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


@register.filter
def aspect_label(value: str) -> str:
    return value.capitalize() if value else "–"


@register.filter
def histogram_svg(histogram) -> SafeString:
    return charts.histogram_svg(histogram)


@register.filter
def rating_series_svg(series) -> SafeString:
    return charts.series_svg(
        series, key="average", lo=0.5, hi=5.0, title="Average rating over time", unit="stars", shape="circle"
    )


@register.filter
def sentiment_series_svg(series) -> SafeString:
    return charts.series_svg(
        series,
        key="net_sentiment",
        lo=-1.0,
        hi=1.0,
        title="Net sentiment over time",
        unit="-1 to +1",
        shape="square",
    )


@register.simple_tag
def share_bar(aspect: dict) -> SafeString:
    return charts.share_bar_svg(
        aspect["positive_share"], aspect["negative_share"], f"{aspect['label']} mentions"
    )


@register.filter
def sentiment_bar(value: float | None) -> SafeString:
    """A sentiment (-1..+1) as a text bar of ten cells, its sign and its word: readable
    without colour; screen readers get the number and word only."""
    if value is None:
        return format_html("{}", "–")
    cells = max(0, min(10, round(abs(value) * 10)))
    word = "positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral"
    bar = ("+" if value >= 0 else "−") + "█" * cells + "░" * (10 - cells)
    return format_html(
        '<span class="text-bar" aria-hidden="true">{}</span> {} ({})', bar, f"{value:+.2f}", word
    )
