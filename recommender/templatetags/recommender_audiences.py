"""``{% audiences_say movie %}`` for community's movie page: "What audiences say".

Reads stored texts (recommender.audiences.selectors, the API's reader too); no model runs on
the page. Renders nothing when the film has no text to show (fewer than 5 reviews, not
written yet, or its checks failed), so the page has no empty box. The spoiler-free text is
shown; the text counting reviews marked as spoilers, when the film has one, sits behind
"Show it", the way the page opens a spoiler review.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from recommender.audiences import selectors
from recommender.audiences.facts import SPOILER_FREE, WITH_SPOILERS

register = template.Library()


@register.simple_tag
def audiences_say(movie) -> str:
    shown = selectors.audiences_shown(movie=movie)
    if shown[SPOILER_FREE] is None and shown[WITH_SPOILERS] is None:
        return ""
    return render_to_string(
        "recommender/audiences.html",
        {"movie": movie, "shown": shown[SPOILER_FREE], "spoiler_text": shown[WITH_SPOILERS]},
    )
