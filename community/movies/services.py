"""Writes on the catalog: keeping a movie's denormalised numbers true."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Avg, Count

from community.movies.models import Movie


def movie_stats_refresh(*, movie_ids: Iterable[int]) -> None:
    """Recompute rating_count, rating_average and review_count of the given movies from their rows.

    Recomputing (rather than incrementing) keeps the numbers right after concurrent writes,
    deletions and imports; it costs two grouped queries plus one UPDATE per movie.
    """
    from community.reviews.models import Rating, Review

    ids = sorted({int(i) for i in movie_ids})
    if not ids:
        return
    ratings = {
        row["movie_id"]: row
        for row in Rating.objects.filter(movie_id__in=ids)
        .order_by()
        .values("movie_id")
        .annotate(n=Count("id"), avg=Avg("score"))
    }
    reviews = {
        row["movie_id"]: row["n"]
        for row in Review.objects.filter(movie_id__in=ids)
        .order_by()
        .values("movie_id")
        .annotate(n=Count("id"))
    }
    for movie_id in ids:
        stats = ratings.get(movie_id)
        Movie.objects.filter(pk=movie_id).update(
            rating_count=stats["n"] if stats else 0,
            rating_average=round(float(stats["avg"]), 3) if stats else None,
            review_count=reviews.get(movie_id, 0),
        )
