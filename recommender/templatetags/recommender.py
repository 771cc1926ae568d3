"""``{% recommendation_rows user %}``, ``{% similar_movies movie %}``, ``{% predicted_rating movie %}``
and ``{% taste_summary person %}`` for community's pages.

Both read stored rows or the loaded model; neither runs training or a language model.
"""

from __future__ import annotations

import hashlib

from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string

from community.accounts.selectors import profile_visibility
from community.core import pagecache
from recommender import selectors, selectors_llm
from recommender.predicted import selectors as predicted_selectors

register = template.Library()


ROWS_CACHE_SECONDS = 600


@register.simple_tag(takes_context=True)
def recommendation_rows(context, user, per_row: int = 12) -> str:
    """The member's stored rows, rendered; the HTML is cached until anything it shows changes.

    The key holds a stamp of the member's rows, ratings, feedback and explanations, so a new
    rating or a "Not interested" shows at once, and the CSRF secret, so the cached forms
    always carry a token that is valid for this browser.
    """
    request = context.get("request")
    if not user.is_authenticated:
        return ""
    stamp = selectors.recommendation_rows_stamp(user_id=user.pk)
    key = None
    if stamp and request is not None:
        secret = request.META.get("CSRF_COOKIE", "")
        digest = hashlib.sha256(f"{stamp}|{secret}|{request.get_full_path()}|{per_row}".encode()).hexdigest()
        key = f"recommender:rows:{user.pk}:{digest}"
        html = cache.get(key)
        if html is not None:
            return html
    rows = selectors.recommendation_rows(user_id=user.pk, per_row=per_row)
    movie_ids = {pick.movie_id for row in rows for pick in row.items}
    explanations = selectors_llm.explanations(user_id=user.pk, movie_ids=movie_ids) if movie_ids else {}
    for row in rows:
        for pick in row.items:
            text = explanations.get(pick.movie_id)
            pick.explanation = text.text if text else ""
    status = None
    if not rows:
        # What is happening to their picks. While the first model trains it says for how long,
        # which changes with time, not with the page's stamp: that page is not kept.
        status = selectors.picks_status(user_id=user.pk)
        if request is not None and status.state == "first_training":
            pagecache.keep_out(request)
    html = render_to_string(
        "recommender/rows.html",
        {
            "rows": rows,
            "status": status,
            # community's popular-in-your-genres row, shown while the member has no picks yet
            "fallback_movies": context.get("for_you") or [],
        },
        request=request,
    )
    if key is not None and rows:
        cache.set(key, html, ROWS_CACHE_SECONDS)
    return html


@register.inclusion_tag("recommender/similar.html")
def similar_movies(movie, limit: int = 8):
    return {"movie": movie, "similar": selectors.similar_movies(movie=movie, limit=limit)}


@register.inclusion_tag("recommender/predicted_rating.html", takes_context=True)
def predicted_rating(context, movie) -> dict:
    """ "You would likely rate this 4.0" for the signed-in member, from the stored rating
    factors (one query); nothing when they rated the film or the model has no estimate."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"prediction": None}
    prediction = predicted_selectors.predicted_rating(user_id=user.pk, movie_id=movie.pk)
    return {"prediction": prediction if prediction.status == predicted_selectors.PREDICTED else None}


@register.simple_tag(takes_context=True)
def taste_summary(context, person) -> str:
    """The member's taste summary, or "" when the viewer may not see it (the member's choice,
    decided by community's one visibility rule) or none was written yet."""
    request = context.get("request")
    viewer = getattr(request, "user", None) or AnonymousUser()  # no request: an anonymous reader
    if not profile_visibility(viewer=viewer, owner=person).taste:
        return ""
    profile = selectors_llm.taste_profile(user_id=person.pk)
    return profile.summary if profile is not None else ""
