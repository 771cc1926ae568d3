"""Writes on accounts: sign-up, profile, onboarding, export and deletion of personal data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from community.accounts import verification
from community.accounts.models import User, Visibility
from community.core import events
from community.movies.models import Genre

ONBOARDING_MIN_RATINGS = 5
BIO_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 150
USERNAME_MAX_LENGTH = 30
RESERVED_USERNAMES = {"admin", "administrator", "root", "staff", "support", "cinecircle", "deleted"}


def username_validate(*, username: str) -> str:
    """The stripped username if it is well-formed and free, else a ValidationError on `username`."""
    value = (username or "").strip()
    if not value:
        raise ValidationError({"username": "Choose a username."})
    if len(value) > USERNAME_MAX_LENGTH:
        raise ValidationError({"username": f"Keep it to {USERNAME_MAX_LENGTH} characters or fewer."})
    try:
        UnicodeUsernameValidator()(value)
    except ValidationError:
        raise ValidationError({"username": "Use only letters, digits and @ . + - _"}) from None
    if value.lower() in RESERVED_USERNAMES or User.objects.filter(username__iexact=value).exists():
        raise ValidationError({"username": "That username is taken."})
    return value


def user_signup(*, username: str, password: str, email: str = "", site_url: str = "") -> User:
    """Create a member account with a usable password; raises ValidationError per field.

    With an address and ``site_url`` (the site's absolute root, from the request), a
    verification link is mailed to the address once the account is saved.
    """
    errors: dict[str, list[str]] = {}
    try:
        username = username_validate(username=username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter a valid email address, or leave it empty."]
    if not password:
        errors["password"] = ["Choose a password."]
    else:
        try:
            password_validation.validate_password(password, user=User(username=username or "", email=email))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(username=username, email=email, kind=User.Kind.MEMBER)
        user.set_password(password)
        user.save()
        if site_url:
            verification.email_verification_send(user=user, site_url=site_url)
    return user


def profile_update(
    *,
    user: User,
    first_name: str = "",
    last_name: str = "",
    bio: str = "",
    email: str = "",
    favourite_genres: Iterable[Genre] = (),
    site_url: str = "",
) -> User:
    """Change the user's display name, bio and favourite genres, and ask for a new email.

    A new address is not used before the member follows the link mailed to it (see
    ``verification.email_change_request``); ``site_url`` is the site's absolute root.
    """
    if not user.is_authenticated:
        raise PermissionDenied("Log in to do that.")
    errors: dict[str, str] = {}
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    bio = (bio or "").replace("\x00", "").replace("\r\n", "\n").strip()
    email = (email or "").strip()
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > NAME_MAX_LENGTH:
            errors[field] = f"Keep it to {NAME_MAX_LENGTH} characters or fewer."
    if len(bio) > BIO_MAX_LENGTH:
        errors["bio"] = f"Keep it under {BIO_MAX_LENGTH:,} characters (it has {len(bio):,})."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter a valid email address, or leave it empty."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.first_name, user.last_name, user.bio = first_name, last_name, bio
        email_fields = verification.email_change_request(user=user, email=email, site_url=site_url)
        user.save(update_fields=["first_name", "last_name", "bio", *email_fields])
        user.favourite_genres.set(list(favourite_genres))
    return user


def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change the password after checking the old one and the password rules."""
    if not user.is_authenticated or not user.has_usable_password():
        raise PermissionDenied("This account cannot log in.")
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": "Your current password was entered incorrectly."})
    try:
        password_validation.validate_password(new_password or "", user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": list(exc.messages)}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def onboarding_complete(
    *,
    user: User,
    scores: Mapping[int, Decimal | float | str] | None = None,
    favourite_genres: Iterable[Genre] | None = None,
) -> User:
    """Save onboarding choices and mark the user onboarded once they rated ONBOARDING_MIN_RATINGS movies.

    `scores` maps movie ids to half-star scores; each is saved through `rating_set` (so events
    are sent), and saved ratings stay even when the minimum is not reached yet. Unknown movie
    ids are ignored. Raises ValidationError (non-field) while fewer than the minimum are rated.
    """
    from community.movies.models import Movie
    from community.reviews.services import rating_set

    if not user.is_authenticated:
        raise PermissionDenied("Log in to do that.")
    if favourite_genres is not None:
        user.favourite_genres.set(list(favourite_genres))
    scores = dict(scores or {})
    for movie in Movie.objects.filter(pk__in=list(scores)):
        rating_set(user=user, movie=movie, score=scores[movie.pk])
    count = user.ratings.count()
    if count < ONBOARDING_MIN_RATINGS:
        missing = ONBOARDING_MIN_RATINGS - count
        raise ValidationError(f"Rate {missing} more movie{'s' if missing != 1 else ''} to finish.")
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
        user.save(update_fields=["onboarded_at"])
    return user


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the user wrote or chose, as JSON-ready data ("download my data")."""
    from community.discussions.models import Reply, Thread
    from community.reviews.models import Rating, Review, ReviewLike
    from community.social.models import Follow, WatchlistItem

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "format": "cinecircle-export-1",
        "exported_at": when(timezone.now()),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "bio": user.bio,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "onboarded_at": when(user.onboarded_at),
            "favourite_genres": list(user.favourite_genres.values_list("name", flat=True)),
        },
        "ratings": [
            {
                "movie": r.movie.title,
                "year": r.movie.year,
                "movie_slug": r.movie.slug,
                "score": str(r.score),
                "created_at": when(r.created_at),
                "updated_at": when(r.updated_at),
            }
            for r in Rating.objects.filter(user=user).select_related("movie").order_by("created_at")
        ],
        "reviews": [
            {
                "movie": r.movie.title,
                "movie_slug": r.movie.slug,
                "body": r.body,
                "has_spoilers": r.has_spoilers,
                "like_count": r.like_count,
                "created_at": when(r.created_at),
                "updated_at": when(r.updated_at),
            }
            for r in Review.objects.filter(user=user).select_related("movie").order_by("created_at")
        ],
        "review_likes": [
            {
                "review_id": like.review_id,
                "movie_slug": like.review.movie.slug,
                "review_author": like.review.user.username,
                "created_at": when(like.created_at),
            }
            for like in ReviewLike.objects.filter(user=user).select_related("review__movie", "review__user")
        ],
        "threads": [
            {
                "id": t.pk,
                "movie_slug": t.movie.slug,
                "title": t.title,
                "body": t.body,
                "created_at": when(t.created_at),
                "updated_at": when(t.updated_at),
            }
            for t in Thread.objects.filter(author=user).select_related("movie").order_by("created_at")
        ],
        "replies": [
            {
                "thread_id": r.thread_id,
                "thread_title": r.thread.title,
                "body": r.body,
                "created_at": when(r.created_at),
                "updated_at": when(r.updated_at),
            }
            for r in Reply.objects.filter(author=user).select_related("thread").order_by("created_at")
        ],
        "watchlist": [
            {"movie": w.movie.title, "movie_slug": w.movie.slug, "added_at": when(w.added_at)}
            for w in WatchlistItem.objects.filter(user=user).select_related("movie")
        ],
        "following": list(Follow.objects.filter(follower=user).values_list("followee__username", flat=True)),
        "followers": list(Follow.objects.filter(followee=user).values_list("follower__username", flat=True)),
    }


def account_delete(*, user: User) -> None:
    """Delete the account and everything it wrote; recompute the numbers it touched on others' rows.

    Removed: profile, ratings, reviews (and their likes), likes given, threads started (with
    their replies), replies, watchlist, follows both ways. Kept: nothing personal; movie
    averages and counts, other reviews' like counts and threads' reply counts are recomputed.
    """
    from community.discussions.models import Thread
    from community.discussions.services import thread_counts_refresh
    from community.movies.services import movie_stats_refresh
    from community.reviews.models import Rating, Review

    if not user.is_authenticated or not user.pk:
        raise PermissionDenied("Log in to do that.")
    user_id = user.pk
    with transaction.atomic():
        movie_ids = set(Rating.objects.filter(user=user).values_list("movie_id", flat=True))
        movie_ids |= set(Review.objects.filter(user=user).values_list("movie_id", flat=True))
        liked_review_ids = list(user.review_likes.values_list("review_id", flat=True))
        thread_ids = list(
            Thread.objects.filter(replies__author=user)
            .exclude(author=user)
            .values_list("id", flat=True)
            .distinct()
        )
        user.delete()
        movie_stats_refresh(movie_ids=movie_ids)
        thread_counts_refresh(thread_ids=thread_ids)
        like_counts = dict(
            Review.objects.filter(pk__in=liked_review_ids).annotate(n=Count("likes")).values_list("pk", "n")
        )
        for review_id, n in like_counts.items():
            Review.objects.filter(pk=review_id).update(like_count=n)
        events.send_on_commit(events.user_deleted, user_id=user_id)


def profile_privacy_update(*, user: User, **choices: str) -> User:
    """Set who may see the member's taste profile, ratings and watchlist; only the choices
    given change. Each is a ``Visibility`` value; raises ValidationError naming the field."""
    from community.accounts.selectors import PRIVACY_FIELDS

    if not user.is_authenticated:
        raise PermissionDenied("Log in to do that.")
    unknown = sorted(set(choices) - set(PRIVACY_FIELDS))
    if unknown:
        raise ValidationError({name: "Not a privacy setting." for name in unknown})
    allowed = ", ".join(f'"{value}"' for value in Visibility.values)
    errors = {
        field: f"Choose one of {allowed}."
        for field, value in choices.items()
        if value not in Visibility.values
    }
    if errors:
        raise ValidationError(errors)
    for field, value in choices.items():
        setattr(user, field, value)
    if choices:
        user.save(update_fields=list(choices))
    return user
