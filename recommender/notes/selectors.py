"""What the movie page and the API show of a film's notes (one reader for both).

A note made from another plot text or cast than the film's current one is not shown (its
task is due and will make it again); a synopsis that failed its checks is not shown at all.
How reviewers feel about each character comes from the studio console's figures
(`FilmInsight.characters`, kept by its own task as reviews arrive), with one quote taken
only from a non-spoiler review.
"""

from __future__ import annotations

from typing import Any, TypedDict

from community.movies.models import Movie
from recommender.insight.models import FilmInsight
from recommender.notes.models import MovieNote
from recommender.notes.services import source_hash


class CharacterReviews(TypedDict):
    reviewers: int  # distinct reviewers whose visible reviews name the character
    mentions: int  # review sentences that name them
    sentiment: float | None  # mean sentiment of those sentences, -1..1
    quote: str  # a verbatim sentence of a non-spoiler review ("" if none)


class CharacterShown(TypedDict):
    name: str
    actor: str | None
    line: str  # a sentence of the plot text ("" if none fits)
    reviews: CharacterReviews | None  # None when no review names them


class SynopsisShown(TypedDict):
    text: str
    model_name: str
    model_version: str
    generated_at: Any


class NotesShown(TypedDict):
    synopsis: SynopsisShown | None
    characters: list[CharacterShown]
    characters_version: str


def _reviews(entry: dict[str, Any] | None) -> CharacterReviews | None:
    if not entry or not entry.get("reviewers"):
        return None
    quote = next((q["text"] for q in entry.get("quotes", []) if q.get("text") and not q.get("spoiler")), "")
    return {
        "reviewers": entry["reviewers"],
        "mentions": entry.get("mentions", 0),
        "sentiment": entry.get("sentiment"),
        "quote": quote,
    }


def movie_notes(*, movie: Movie) -> NotesShown:
    """The film's synopsis and character guide as shown (two queries at most).

    `movie` needs its title, plot and cast loaded (the movie page's movie does).
    """
    digest = source_hash(movie)
    rows = {
        row.kind: row
        for row in MovieNote.objects.filter(movie_id=movie.pk, source_hash=digest).only(
            "kind", "text", "items", "model_name", "version", "generated_at"
        )
    }
    synopsis_row = rows.get(MovieNote.Kind.SYNOPSIS)
    synopsis: SynopsisShown | None = None
    if synopsis_row is not None and synopsis_row.text:
        synopsis = {
            "text": synopsis_row.text,
            "model_name": synopsis_row.model_name,
            "model_version": synopsis_row.version,
            "generated_at": synopsis_row.generated_at,
        }
    guide = rows.get(MovieNote.Kind.CHARACTERS)
    characters: list[CharacterShown] = []
    if guide is not None and guide.items:
        stored = (
            FilmInsight.objects.filter(movie_id=movie.pk).values_list("characters", flat=True).first() or []
        )
        by_name = {c["name"]: c for c in stored if c.get("kind") == "character"}
        characters = [
            {
                "name": item["name"],
                "actor": item.get("actor"),
                "line": item.get("line", ""),
                "reviews": _reviews(by_name.get(item["name"])),
            }
            for item in guide.items
        ]
    return {
        "synopsis": synopsis,
        "characters": characters,
        "characters_version": guide.version if guide is not None else "",
    }
