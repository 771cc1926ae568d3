"""Writes on watchlists and follows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from community.accounts.models import User
from community.movies.models import Movie
from community.notifications.models import Notification
from community.notifications.services import notification_emit
from community.social.models import Follow, WatchlistItem


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def watchlist_add(*, user: User, movie: Movie) -> WatchlistItem:
    """Put the movie on the user's watchlist (adding twice is harmless)."""
    _require_member(user)
    item, _ = WatchlistItem.objects.get_or_create(user=user, movie=movie)
    return item


def watchlist_remove(*, user: User, movie: Movie) -> bool:
    """Take the movie off the user's watchlist. Returns True if it was there."""
    _require_member(user)
    deleted, _ = WatchlistItem.objects.filter(user=user, movie=movie).delete()
    return bool(deleted)


NO_SUCH_ACCOUNT = "No member with this username."


def follow_create(*, follower: User, followee: User) -> Follow:
    """Follow another account, for the profile page's button and the API alike.

    Any active account can be followed, imported ones too (MovieLens raters and critics cannot
    log in, but their ratings and reviews are on the site, and following a critic is what a
    film site's members expect): their ratings and reviews then show in the follower's feed.
    Following twice is harmless. Raises ValidationError for oneself or a deactivated account.
    """
    _require_member(follower)
    if follower.pk == followee.pk:
        raise ValidationError("You cannot follow yourself.")
    if not followee.is_active:
        raise ValidationError(NO_SUCH_ACCOUNT)
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
        if created:
            notification_emit(recipient_id=followee.pk, actor=follower, verb=Notification.Verb.FOLLOWED)
    return follow


def follow_delete(*, follower: User, followee: User) -> bool:
    """Stop following a user. Returns True if a follow was removed."""
    _require_member(follower)
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    return bool(deleted)


def follow_toggle(*, follower: User, followee: User) -> bool:
    """Follow, or unfollow if already following. Returns whether the follower now follows."""
    if Follow.objects.filter(follower=follower, followee=followee).exists():
        follow_delete(follower=follower, followee=followee)
        return False
    follow_create(follower=follower, followee=followee)
    return True
