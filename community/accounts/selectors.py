"""Reads on accounts: public profiles and their numbers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg
from django.shortcuts import get_object_or_404

from community.accounts.models import User


def user_get_public(*, username: str) -> User:
    """An active account by username (members and imported raters alike), or 404."""
    return get_object_or_404(
        User.objects.prefetch_related("favourite_genres"), username=username, is_active=True
    )


@dataclass(frozen=True)
class UserStats:
    ratings: int
    reviews: int
    followers: int
    following: int
    average: float | None


def user_stats(*, user: User) -> UserStats:
    from community.reviews.models import Rating

    agg = Rating.objects.filter(user=user).aggregate(avg=Avg("score"))
    return UserStats(
        ratings=user.ratings.count(),
        reviews=user.reviews.count(),
        followers=user.followers.count(),
        following=user.following.count(),
        average=float(agg["avg"]) if agg["avg"] is not None else None,
    )
