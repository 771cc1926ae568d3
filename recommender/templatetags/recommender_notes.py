"""``{% movie_synopsis movie %}`` and ``{% character_guide movie %}`` for community's movie page.

Both read stored notes (recommender.notes.selectors, the API's reader too); no model runs on
the page. Each renders nothing when the film has no such note, so the page has no empty box.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from recommender.notes import selectors

register = template.Library()


def _notes(movie) -> selectors.NotesShown:
    # The two tags of one page share one read.
    notes = getattr(movie, "_recommender_notes", None)
    if notes is None:
        notes = selectors.movie_notes(movie=movie)
        movie._recommender_notes = notes
    return notes


@register.simple_tag
def movie_synopsis(movie) -> str:
    synopsis = _notes(movie)["synopsis"]
    if synopsis is None:
        return ""
    return render_to_string("recommender/notes_synopsis.html", {"movie": movie, "synopsis": synopsis})


@register.simple_tag
def character_guide(movie) -> str:
    notes = _notes(movie)
    if not notes["characters"]:
        return ""
    return render_to_string(
        "recommender/notes_characters.html",
        {"movie": movie, "characters": notes["characters"], "version": notes["characters_version"]},
    )
