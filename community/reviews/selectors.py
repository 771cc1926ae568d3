"""Reads on ratings and reviews."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Count, F, JSONField, OuterRef, QuerySet, Subquery

from community.accounts.models import User
from community.movies.models import Movie
from community.movies.selectors import HistogramBar, histogram_bars
from community.reviews.models import Rating, Review, ReviewLike
from community.reviews.sentiment import with_sentiments

REVIEW_ORDERS = {"newest": "Newest", "liked": "Most liked"}


def with_tags(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The reviews, each with `tag_slugs` (its free tags, sorted), in the same query.

    Tags belong to the diary app (Tag.reviews, reached from here as `review.tags`); this
    module reads the relation by name only, and leaves the reviews as they are without it.
    """
    try:
        through = Review._meta.get_field("tags").through
    except FieldDoesNotExist:
        return reviews
    slugs = (
        through.objects.filter(review_id=OuterRef("pk")).order_by("tag__slug").values(tag_slug=F("tag__slug"))
    )
    if connections[reviews.db].vendor == "postgresql":
        return reviews.annotate(tag_slugs=ArraySubquery(slugs))
    return reviews.annotate(tag_slugs=_JSONSlugs(slugs))


class _JSONSlugs(Subquery):
    """The slugs as one JSON array, for databases without ARRAY() (SQLite: the runsite default)."""

    template = "(SELECT json_group_array(tag_slug) FROM (%(subquery)s))"
    output_field = JSONField()


def movie_reviews(*, movie: Movie, order: str = "newest") -> QuerySet[Review]:
    reviews = with_tags(with_sentiments(Review.objects.visible().filter(movie=movie).select_related("user")))
    if order == "liked":
        return reviews.order_by("-like_count", "-created_at")
    return reviews.order_by("-created_at", "-pk")


def recent_reviews(
    *, limit: int | None = None, source: str | None = Review.Source.MEMBER
) -> QuerySet[Review]:
    reviews: QuerySet[Review] = Review.objects.visible().select_related("user", "movie")
    if source:
        reviews = reviews.filter(source=source)
    reviews = with_tags(with_sentiments(reviews)).order_by("-created_at", "-pk")
    return reviews[:limit] if limit else reviews


def user_reviews(*, user: User, viewer: User | AnonymousUser | None = None) -> QuerySet[Review]:
    """The member's reviews that ``viewer`` may see (their own hidden ones too, when it is them)."""
    reviews = Review.objects.visible_to(viewer).filter(user=user).select_related("movie", "user")
    return with_tags(with_sentiments(reviews)).order_by("-created_at", "-pk")


def user_ratings(*, user: User) -> QuerySet[Rating]:
    return Rating.objects.filter(user=user).select_related("movie").order_by("-updated_at", "-pk")


def user_rating_histogram(*, user: User) -> list[HistogramBar]:
    rows = Rating.objects.filter(user=user).order_by().values("score").annotate(n=Count("id"))
    return histogram_bars({float(row["score"]): row["n"] for row in rows})


def rating_for(*, user: User | AnonymousUser, movie: Movie) -> Rating | None:
    if not user.is_authenticated:
        return None
    return Rating.objects.filter(user=user, movie=movie).first()


def review_for(*, user: User | AnonymousUser, movie: Movie) -> Review | None:
    """The member's own review of the movie, hidden or not (they see it marked)."""
    if not user.is_authenticated:
        return None
    return with_tags(with_sentiments(Review.objects.filter(user=user, movie=movie))).first()


def scores_by_movie(*, user: User | AnonymousUser, movie_ids: Iterable[int]) -> dict[int, float]:
    """The user's scores for these movies, in one query."""
    if not user.is_authenticated:
        return {}
    return {
        movie_id: float(score)
        for movie_id, score in Rating.objects.filter(user=user, movie_id__in=list(movie_ids)).values_list(
            "movie_id", "score"
        )
    }


def liked_review_ids(*, user: User | AnonymousUser, review_ids: Iterable[int]) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        ReviewLike.objects.filter(user=user, review_id__in=list(review_ids)).values_list(
            "review_id", flat=True
        )
    )


def review_get(*, pk: int, viewer: User | AnonymousUser | None = None) -> Review:
    """The review, if ``viewer`` may see it (hidden ones only by their author), else 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        with_tags(Review.objects.visible_to(viewer).select_related("movie", "user")), pk=pk
    )


def critic_highlights(*, limit: int = 6) -> list[Review]:
    """Critic snippets about popular movies, one per movie (a young site's homepage filler)."""
    window = with_sentiments(
        Review.objects.visible()
        .filter(source=Review.Source.CRITIC)
        .select_related("user", "movie")
        .order_by("-movie__rating_count", "-pk")
    )[: limit * 50]
    picked: dict[int, Review] = {}
    for review in window:
        picked.setdefault(review.movie_id, review)
        if len(picked) >= limit:
            break
    return list(picked.values())
