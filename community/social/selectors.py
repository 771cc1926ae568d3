"""Reads on watchlists, follows and the activity feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from community.accounts.models import User
from community.movies.models import Movie
from community.reviews.models import Rating, Review
from community.social.models import Follow, WatchlistItem

FEED_WINDOW = 300  # newest items of each kind merged into the feed


def watchlist_items(*, user: User) -> QuerySet[WatchlistItem]:
    return (
        WatchlistItem.objects.filter(user=user)
        .select_related("movie")
        .prefetch_related("movie__genres")
        .order_by("-added_at", "-pk")
    )


def watchlisted_movie_ids(*, user: User | AnonymousUser, movie_ids: Iterable[int]) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        WatchlistItem.objects.filter(user=user, movie_id__in=list(movie_ids)).values_list(
            "movie_id", flat=True
        )
    )


def is_following(*, follower: User | AnonymousUser, followee: User) -> bool:
    if not follower.is_authenticated:
        return False
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def followers_of(*, user: User) -> QuerySet[User]:
    return User.objects.filter(following__followee=user).order_by("username")


def followed_by(*, user: User) -> QuerySet[User]:
    return User.objects.filter(followers__follower=user).order_by("username")


@dataclass
class FeedItem:
    kind: str  # "rating" or "review"
    user: User
    movie: Movie
    at: datetime
    score: float | None = None
    review: Review | None = None


def feed_items(*, user: User) -> list[FeedItem]:
    """What the people the user follows rated and reviewed, newest first.

    A review and a rating of the same movie by the same person show as one item. Four queries
    however many people are followed: the newest FEED_WINDOW rows of each kind are merged.
    """
    followees = Follow.objects.filter(follower=user).values("followee_id")
    ratings = list(
        Rating.objects.filter(user__in=followees)
        .select_related("user", "movie")
        .order_by("-updated_at")[:FEED_WINDOW]
    )
    reviews = list(
        Review.objects.visible()
        .filter(user__in=followees)
        .select_related("user", "movie")
        .order_by("-created_at")[:FEED_WINDOW]
    )
    scores = {(r.user_id, r.movie_id): float(r.score) for r in ratings}
    reviewed = {(r.user_id, r.movie_id) for r in reviews}
    items = [
        FeedItem("review", r.user, r.movie, r.created_at, scores.get((r.user_id, r.movie_id)), r)
        for r in reviews
    ]
    items += [
        FeedItem("rating", r.user, r.movie, r.updated_at, float(r.score))
        for r in ratings
        if (r.user_id, r.movie_id) not in reviewed
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items
