"""Writes on the catalog: keeping a movie's denormalised numbers true."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Avg, Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, Round

from community.movies.models import Movie


def movie_stats_refresh(*, movie_ids: Iterable[int] | None = None) -> None:
    """Recompute rating_count, rating_average and review_count from the rows, in one UPDATE.

    Of the given movies, or of every movie when movie_ids is None (after an import).
    Recomputing (rather than incrementing) keeps the numbers right after concurrent writes,
    deletions and imports.
    """
    from community.reviews.models import Rating, Review

    movies = (
        Movie.objects.all() if movie_ids is None else Movie.objects.filter(pk__in={int(i) for i in movie_ids})
    )
    ratings = Rating.objects.filter(movie=OuterRef("pk")).order_by().values("movie")
    reviews = Review.objects.visible().filter(movie=OuterRef("pk")).order_by().values("movie")
    movies.update(
        rating_count=Coalesce(Subquery(ratings.annotate(n=Count("id")).values("n")[:1]), 0),
        rating_average=Round(Subquery(ratings.annotate(a=Avg("score")).values("a")[:1]), 3),
        review_count=Coalesce(Subquery(reviews.annotate(n=Count("id")).values("n")[:1]), 0),
    )
