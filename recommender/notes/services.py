"""Writing a film's notes: the synopsis (generator, checked) and the character guide (extracted).

Both are made from the film's stored plot text and cast only, kept with a hash of what they
read and the version that made them, and made again only when either changes. The model
runs outside any transaction.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from community.movies.models import Movie
from recommender.insight.mentions import parse_cast
from recommender.llm import notes_checks
from recommender.notes.characters import EXTRACTOR_VERSION, character_guide
from recommender.notes.models import MovieNote

log = logging.getLogger(__name__)

Kind = MovieNote.Kind


def source_hash(movie: Movie) -> str:
    """What a note depends on: the title, the plot text and the cast."""
    return hashlib.sha256(f"{movie.title}\n{movie.plot}\n{movie.cast_names}".encode()).hexdigest()


def plot_about_the_film(movie: Movie) -> bool:
    """Has the film plot text, and is it about this film (not an article on its title's word)?"""
    return bool(movie.plot.strip()) and notes_checks.plot_describes_the_film(
        movie.plot, year=movie.year, encyclopedic=movie.plot_source.startswith("Wikipedia")
    )


def synopsis_possible(movie: Movie) -> bool:
    """Does the film have plot text about it, long enough to condense once its last third is hidden?"""
    return plot_about_the_film(movie) and notes_checks.split_plot(movie.plot).usable


def _store(*, movie_id: int, kind: str, values: dict[str, Any]) -> MovieNote:
    values = values | {"generated_at": timezone.now()}
    try:
        with transaction.atomic():
            row, _ = MovieNote.objects.update_or_create(movie_id=movie_id, kind=kind, defaults=values)
    except IntegrityError:  # a concurrent run created the row first; ours is as good
        row, _ = MovieNote.objects.update_or_create(movie_id=movie_id, kind=kind, defaults=values)
    return row


def movie_characters_refresh(*, movie: Movie, force: bool = False) -> MovieNote | None:
    """Extract and keep the film's character guide; None (and no row) when it has no plot text
    about it. A plot that names no characters keeps a row with no items (nothing to show, and
    nothing to extract again until the plot changes)."""
    if not plot_about_the_film(movie):
        MovieNote.objects.filter(movie_id=movie.pk, kind=Kind.CHARACTERS).delete()
        return None
    digest = source_hash(movie)
    current = MovieNote.objects.filter(movie_id=movie.pk, kind=Kind.CHARACTERS).first()
    if current and not force and current.source_hash == digest and current.version == EXTRACTOR_VERSION:
        return current
    return _store(
        movie_id=movie.pk,
        kind=Kind.CHARACTERS,
        values={
            "text": "",
            "items": character_guide(title=movie.title, plot=movie.plot, cast_names=movie.cast_names),
            "source_hash": digest,
            "model_name": "",
            "version": EXTRACTOR_VERSION,
            "attempts": 0,
            "passed_first": True,
            "support_checked": False,
            "failures": [],
        },
    )


def movie_synopsis_refresh(
    *,
    movie: Movie,
    force: bool = False,
    backend: Any = None,
    support: notes_checks.SupportCheck | None | bool = True,
) -> MovieNote | None:
    """Write and keep the film's synopsis; None (and no row) when it has no plot text to condense.

    Skips the model when the stored synopsis (or recorded failure) read the same plot text and
    cast with the same model, unless `force`. `support=True` uses the support check when the
    code base has one; pass a function to use another, or None to go without.
    """
    from recommender.llm.generation import configured_version, get_backend
    from recommender.llm.notes_generation import synopsis_write

    if not synopsis_possible(movie):
        MovieNote.objects.filter(movie_id=movie.pk, kind=Kind.SYNOPSIS).delete()
        return None
    digest = source_hash(movie)
    current = MovieNote.objects.filter(movie_id=movie.pk, kind=Kind.SYNOPSIS).first()
    # The configured version is read from disk: an up-to-date synopsis loads no model.
    version = backend.version if backend is not None else configured_version()
    if current and not force and current.source_hash == digest and current.version == version:
        return current
    backend = backend or get_backend()
    checker = notes_checks.support_checker(backend) if support is True else support or None
    result = synopsis_write(
        title=movie.title,
        year=movie.year,
        cast=parse_cast(movie.cast_names),
        plot=movie.plot,
        backend=backend,
        support=checker,
    )
    assert result is not None  # synopsis_possible said the plot is long enough
    log.info(
        "synopsis of film %s: %s after %s attempts",
        movie.pk,
        "written" if result.text else "none (checks failed)",
        result.attempts,
    )
    return _store(
        movie_id=movie.pk,
        kind=Kind.SYNOPSIS,
        values={
            "text": result.text,
            "items": [],
            "source_hash": digest,
            "model_name": result.model_name,
            "version": result.model_version,
            "attempts": result.attempts,
            "passed_first": result.passed_first,
            "support_checked": result.support_checked,
            "failures": result.problems,
        },
    )


def movie_notes_refresh(
    *, movie_id: int, force: bool = False, backend: Any = None, support: Any = True
) -> dict[str, str] | None:
    """Bring both notes of the film up to date; None when the film is gone.

    Returns what each note is now: "shown", "failed" (the synopsis failed its checks) or "none".
    """
    movie = (
        Movie.objects.filter(pk=movie_id)
        .only("pk", "title", "year", "plot", "plot_source", "cast_names")
        .first()
    )
    if movie is None:
        return None
    guide = movie_characters_refresh(movie=movie, force=force)
    synopsis = movie_synopsis_refresh(movie=movie, force=force, backend=backend, support=support)
    return {
        "characters": "shown" if guide and guide.items else "none",
        "synopsis": "none" if synopsis is None else ("shown" if synopsis.text else "failed"),
    }


def films_with_plot(*, limit: int | None = None) -> list[int]:
    """Films with plot text, most rated first (the command's and the benchmark's order)."""
    ids = Movie.objects.exclude(plot="").order_by("-rating_count", "pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def films_with_notes_due(*, generator_version: str | None) -> list[int]:
    """Films whose notes are missing or stale (plot, cast, model or extraction changed), or that
    keep notes while their plot text is gone."""
    due = []
    stored: dict[tuple[int, str], tuple[str, str]] = {
        (movie_id, kind): (digest, version)
        for movie_id, kind, digest, version in MovieNote.objects.values_list(
            "movie_id", "kind", "source_hash", "version"
        )
    }
    movies = Movie.objects.filter(~Q(plot="") | Q(notes__isnull=False)).distinct()
    for movie in movies.only("pk", "title", "year", "plot", "plot_source", "cast_names").order_by("pk"):
        digest = source_hash(movie)
        guide = stored.get((movie.pk, Kind.CHARACTERS))
        synopsis = stored.get((movie.pk, Kind.SYNOPSIS))
        if not plot_about_the_film(movie):
            stale = guide is not None or synopsis is not None  # notes to remove
        elif not synopsis_possible(movie):
            stale = guide != (digest, EXTRACTOR_VERSION) or synopsis is not None
        else:
            synopsis_stale = generator_version is not None and synopsis != (digest, generator_version)
            stale = guide != (digest, EXTRACTOR_VERSION) or synopsis_stale
        if stale:
            due.append(movie.pk)
    return due


def movie_notes_write(
    *,
    movie_ids: Iterable[int],
    force: bool = False,
    backend: Any = None,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
) -> dict[str, int]:
    """Write the notes of these films in this process (the management command)."""
    counts = {"synopsis shown": 0, "synopsis failed": 0, "no synopsis": 0, "guides": 0}
    for movie_id in progress(movie_ids) if progress else movie_ids:
        state = movie_notes_refresh(movie_id=movie_id, force=force, backend=backend)
        if state is None:
            continue
        counts["guides"] += state["characters"] == "shown"
        key = {"shown": "synopsis shown", "failed": "synopsis failed"}.get(state["synopsis"], "no synopsis")
        counts[key] += 1
    return counts
