"""Writing "What audiences say" when a film's counted reviews changed enough.

A variant's text is written again when the number of reviews it counts changed by 5 or by
10% since it was written (the studio summary's rule, recommender.insight.summary), or at
once when a review it counted is no longer counted (hidden, deleted, newly marked as a
spoiler for the spoiler-free text) or a review it quotes no longer holds the quote. The
film insight task asks `audiences_queue_if_due` after every refresh (each analysed, hidden
or deleted review refreshes it) and the daily insight pass asks `audiences_queue_due`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from community.movies.models import Movie
from community.reviews.models import Review
from recommender.audiences.facts import MIN_REVIEWS, Variant, film_variants, sentence_points
from recommender.audiences.models import AudienceNote
from recommender.insight.summary import analysed_changed_enough
from recommender.llm.audiences_prompts import reader_facts_to_json

log = logging.getLogger(__name__)


def _quotes_hold(quotes: list[dict[str, Any]]) -> bool:
    """Does each quoted review still hold its quote, verbatim (an edit may have removed it)?"""
    ids = {q["review_id"] for q in quotes}
    bodies = dict(Review.objects.visible().filter(pk__in=ids).values_list("pk", "body")) if ids else {}
    return all(q["text"] in bodies.get(q["review_id"], "") for q in quotes)


def note_due(row: AudienceNote | None, variant: Variant | None) -> bool:
    """Must this variant be written (or its row removed)?"""
    if variant is None:
        return row is not None
    if row is None:
        return True
    if analysed_changed_enough(before=row.analysed_count, now=len(variant.review_ids)):
        return True
    if not row.text:  # both attempts failed: not again until the counts change enough
        return False
    return not set(row.review_ids) <= set(variant.review_ids) or not _quotes_hold(row.quotes)


def _support_checker(backend: Any) -> Any:
    from recommender.llm.notes_checks import support_checker

    return support_checker(backend)


def audiences_refresh(
    *, movie_id: int, force: bool = False, backend: Any = None, support: Any = None
) -> dict[str, str] | None:
    """Bring the film's texts up to date; returns {variant: "shown" | "failed" | "unchanged"},
    None when the film is gone. Safe to run twice. Variants the film can no longer have are
    removed. The model runs outside any transaction."""
    movie = Movie.objects.filter(pk=movie_id).only("pk", "title", "year").first()
    if movie is None:
        return None
    variants = film_variants(movie)
    stored = {row.variant: row for row in AudienceNote.objects.filter(movie_id=movie_id)}
    AudienceNote.objects.filter(movie_id=movie_id).exclude(variant__in=list(variants)).delete()
    states: dict[str, str] = {}
    for name, variant in variants.items():
        if not force and not note_due(stored.get(name), variant):
            states[name] = "unchanged"
            continue
        if backend is None:
            from recommender.llm.generation import get_backend

            backend = get_backend()
        if support is None:
            support = _support_checker(backend)
        from recommender.llm.audiences_generation import audiences_write

        result = audiences_write(facts=variant.facts, backend=backend, support=support)
        audience_note_store(movie_id=movie_id, variant=variant, result=result)
        states[name] = "shown" if result.text else "failed"
    return states


def audience_note_store(*, movie_id: int, variant: Variant, result: Any) -> AudienceNote:
    """Keep a run's result (audiences_generation.AudiencesResult) with the counts it read."""
    values = {
        "text": result.text,
        "sentences": sentence_points(result.text, variant.facts) if result.text else [],
        "quotes": variant.quotes,
        "facts": reader_facts_to_json(variant.facts),
        "review_ids": variant.review_ids,
        "analysed_count": len(variant.review_ids),
        "data_until": variant.data_until,
        "model_name": result.model_name,
        "model_version": result.model_version,
        "attempts": result.attempts,
        "passed_first": result.passed_first,
        "support_checked": result.support_checked,
        "failures": result.problems,
        "generated_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            row, _ = AudienceNote.objects.update_or_create(
                movie_id=movie_id, variant=variant.name, defaults=values
            )
    except IntegrityError:  # a concurrent run created the row first; ours is as good
        row, _ = AudienceNote.objects.update_or_create(
            movie_id=movie_id, variant=variant.name, defaults=values
        )
    log.info(
        "what audiences say of film %s (%s): %s after %s attempts",
        movie_id,
        variant.name,
        "shown" if result.text else "failed",
        result.attempts,
    )
    return row


def audiences_due(*, movie_id: int) -> bool:
    """Should the film's texts be written (or removed)?"""
    movie = Movie.objects.filter(pk=movie_id).only("pk", "title", "year").first()
    if movie is None:
        return False
    variants = film_variants(movie)
    stored = {row.variant: row for row in AudienceNote.objects.filter(movie_id=movie_id)}
    return any(note_due(stored.get(name), variants.get(name)) for name in set(variants) | set(stored))


def audiences_queue_if_due(*, movie_id: int) -> bool:
    """Queue the writing task (slow queue) when `audiences_due`; True if queued."""
    if not audiences_due(movie_id=movie_id):
        return False
    from recommender.audiences.tasks import audiences_refresh_task

    audiences_refresh_task.delay(movie_id)
    return True


def films_with_enough_reviews(*, limit: int | None = None) -> list[int]:
    """Films with at least 5 visible analysed reviews, most reviewed first."""
    rows = (
        Review.objects.visible()
        .filter(analysis__isnull=False)
        .values("movie_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_REVIEWS)
        .order_by("-n", "movie_id")
        .values_list("movie_id", flat=True)
    )
    ids = list(rows)
    return ids[:limit] if limit else ids


def audiences_queue_due() -> int:
    """The daily pass: queue every film that can have a text (or must lose one) and is due."""
    candidates = set(films_with_enough_reviews()) | set(
        AudienceNote.objects.values_list("movie_id", flat=True)
    )
    return sum(audiences_queue_if_due(movie_id=movie_id) for movie_id in sorted(candidates))
