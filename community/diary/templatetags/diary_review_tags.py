"""The films-by-tag page's reviews: `{% tagged_reviews owner tag as reviews %}` (the owner's
reviews carrying the tag that the viewer may see, at most 50, newest first)."""

from __future__ import annotations

from typing import Any

from django import template

from community.diary.tagging import tagged_reviews as tagged_reviews_select
from community.reviews.models import Review

register = template.Library()

MAX_REVIEWS = 50


@register.simple_tag(takes_context=True)
def tagged_reviews(context: dict[str, Any], owner: Any, slug: str) -> list[Review]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    from django.contrib.auth.models import AnonymousUser

    return list(tagged_reviews_select(owner=owner, viewer=viewer or AnonymousUser(), slug=slug)[:MAX_REVIEWS])
