"""Reads on accounts: public profiles and their numbers."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.shortcuts import get_object_or_404

from community.accounts.models import User, Visibility
from community.core.lookups import clean_lookup


def user_get_public(*, username: str) -> User:
    """An active account by username (members and imported raters alike), or 404 (also for
    names no account can have, such as one with a NUL byte, which PostgreSQL would refuse)."""
    return get_object_or_404(
        User.objects.prefetch_related("favourite_genres"), username=clean_lookup(username), is_active=True
    )


@dataclass(frozen=True)
class UserStats:
    ratings: int
    reviews: int
    followers: int
    following: int
    average: float | None


def user_stats(*, user: User, with_average: bool = True) -> UserStats:
    """The profile's counts; the average rating only when the viewer may see the ratings."""
    from community.reviews.models import Rating

    agg = Rating.objects.filter(user=user).aggregate(avg=Avg("score")) if with_average else {"avg": None}
    return UserStats(
        ratings=user.ratings.count(),
        reviews=user.reviews.visible().count(),
        followers=user.followers.count(),
        following=user.following.count(),
        average=float(agg["avg"]) if agg["avg"] is not None else None,
    )


@dataclass(frozen=True)
class ProfileVisibility:
    """What one viewer may see of one member's profile. The only place this is decided: the
    profile page, the `users/<name>/...` API endpoints and the recommender's taste slot ask it."""

    taste: bool
    ratings: bool
    watchlist: bool


def profile_visibility(*, viewer: User | AnonymousUser, owner: User) -> ProfileVisibility:
    """The owner sees everything; "public" is everyone; "followers" needs a signed-in follower."""
    is_owner = viewer.is_authenticated and viewer.pk == owner.pk
    choices = (owner.taste_visibility, owner.ratings_visibility, owner.watchlist_visibility)
    follows = False
    if not is_owner and Visibility.FOLLOWERS in choices and viewer.is_authenticated:
        from community.social.models import Follow

        follows = Follow.objects.filter(follower_id=viewer.pk, followee_id=owner.pk).exists()

    def allowed(choice: str) -> bool:
        return is_owner or choice == Visibility.PUBLIC or (choice == Visibility.FOLLOWERS and follows)

    return ProfileVisibility(*(allowed(choice) for choice in choices))


PRIVACY_FIELDS = ("taste_visibility", "ratings_visibility", "watchlist_visibility")


def privacy_choices(*, user: User) -> dict[str, str]:
    """The member's three visibility choices by field name (settings, API and export)."""
    return {field: getattr(user, field) for field in PRIVACY_FIELDS}


PART_NAMES = {"taste": "taste profile", "ratings": "ratings", "watchlist": "watchlist"}


def user_get_visible_part(*, viewer: User | AnonymousUser, username: str, part: str) -> User:
    """The member named, when the viewer may see that part of their profile ("taste",
    "ratings" or "watchlist"); 404 for an unknown name, PermissionDenied (403) otherwise."""
    owner = user_get_public(username=username)
    if not getattr(profile_visibility(viewer=viewer, owner=owner), part):
        raise PermissionDenied(f"{owner.username} does not share their {PART_NAMES[part]} with you.")
    return owner
