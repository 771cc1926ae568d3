"""``{% load lists %}{% movie_lists movie %}``: the movie page's small box of public lists holding
the film, and the member's "Add to a list" form. Two queries (one more for a member)."""

from __future__ import annotations

from typing import Any

from django import template

from community.lists import selectors
from community.movies.models import Movie

register = template.Library()

OWN_LISTS_SHOWN = 100


@register.inclusion_tag("lists/_movie_box.html", takes_context=True)
def movie_lists(context: Any, movie: Movie) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "movie": movie,
        "request": request,
        "user": user,
        "lists": selectors.lists_of_movie(movie=movie, limit=5),
        "own_lists": list(selectors.own_lists(user=user)[:OWN_LISTS_SHOWN]) if user is not None else [],
    }
