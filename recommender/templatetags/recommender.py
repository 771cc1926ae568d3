"""``{% recommendation_rows user %}`` and ``{% similar_movies movie %}`` for community's pages.

Both read stored rows or the loaded model; neither runs training or a language model.
"""

from __future__ import annotations

from django import template

from recommender import selectors, selectors_llm

register = template.Library()


@register.inclusion_tag("recommender/rows.html", takes_context=True)
def recommendation_rows(context, user, per_row: int = 12):
    rows = selectors.recommendation_rows(user_id=user.pk, per_row=per_row) if user.is_authenticated else []
    movie_ids = {pick.movie_id for row in rows for pick in row.items}
    explanations = selectors_llm.explanations(user_id=user.pk, movie_ids=movie_ids) if movie_ids else {}
    for row in rows:
        for pick in row.items:
            text = explanations.get(pick.movie_id)
            pick.explanation = text.text if text else ""
    return {
        "rows": rows,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        # community's popular-in-your-genres row, shown while the member has no picks yet
        "fallback_movies": context.get("for_you") or [],
    }


@register.inclusion_tag("recommender/similar.html")
def similar_movies(movie, limit: int = 8):
    return {"movie": movie, "similar": selectors.similar_movies(movie=movie, limit=limit)}
