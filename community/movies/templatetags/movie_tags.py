"""Small template helpers for community pages: `{% load movie_tags %}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`{{ scores|get_item:movie.pk }}`: a dict lookup by a variable key (None when missing)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def hue(value: object) -> int:
    """A stable hue (0-359) for a placeholder poster, from a movie id or any string."""
    text = str(value)
    total = 0
    for char in text:
        total = (total * 31 + ord(char)) % 360
    return total


@register.inclusion_tag("partials/star_input.html")
def star_input(
    name: str,
    current: Decimal | float | str | None = "",
    legend: str = "Your rating",
    idp: str = "",
    legend_class: str = "",
):
    """A half-star radio group; `current` is a score like 3.5 (or empty)."""
    from community.reviews.forms import SCORE_CHOICES

    try:
        current_value = f"{float(current):.1f}" if current is not None and current != "" else ""
    except (TypeError, ValueError):
        current_value = ""
    return {
        "name": name,
        "current": current_value,
        "legend": legend,
        "idp": idp or name,
        "legend_class": legend_class or "visually-hidden",
        "score_choices": SCORE_CHOICES,
    }


@register.simple_tag
def concat(*parts: object) -> str:
    return "".join(str(p) for p in parts)


@register.filter
def paragraphs(text: object) -> list[str]:
    """Split text on line breaks into non-empty paragraphs (for `{% for p in plot|paragraphs %}`)."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]
