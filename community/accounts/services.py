"""Writes on accounts: sign-up, profile, onboarding, export and deletion of personal data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from community.accounts import lockout, tokens, verification
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
    """Change the password after checking the old one (against the account lockout) and the rules.

    Revokes every API token of the member; other sessions end at their next request (the
    session keeps a hash of the password). Raises AccountLocked or ValidationError.
    """
    if not user.is_authenticated or not user.has_usable_password():
        raise PermissionDenied("This account cannot log in.")
    lockout.password_confirm(user=user, password=old_password, field="old_password")
    try:
        password_validation.validate_password(new_password or "", user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": list(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        # Whoever held a token may hold the old password too: a new password starts clean.
        tokens.tokens_revoke_all(user=user)
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
    """Everything the site holds about the member, as JSON-ready data ("download my data").

    One section per kind of row, each contributed by the app that owns it (community's in
    community/accounts/exports.py, what the models derived in recommender/exports.py); the
    web download and the API answer this same document.
    """
    from community.core.exports import export_build

    return export_build(user=user)


def account_delete_confirmed(*, user: User, password: str) -> None:
    """A member deletes their own account, confirming with their password: the one rule behind
    the website's delete page and ``POST /api/v1/me/delete/``.

    The password is checked against the account's shared lockout (``lockout.password_confirm``):
    raises AccountLocked while the account is locked, or ValidationError on ``password`` with
    ``lockout.WRONG_PASSWORD``; nothing is deleted then. Otherwise see account_delete.
    """
    if not user.is_authenticated or not user.pk:
        raise PermissionDenied("Log in to do that.")
    lockout.password_confirm(user=user, password=password)
    account_delete(user=user)


def account_delete(*, user: User) -> None:
    """Delete the account and everything it wrote; never anyone else's words.

    Removed: profile, ratings, reviews (and their likes), likes given, replies, watchlist,
    follows both ways, studio memberships, API tokens, every session of the member (in the
    database and in the cache), and what the recommender derived (its rows cascade; the
    `user_deleted` event removes the member from the served model files). Kept: threads the
    member started, with everyone's replies, shown as by "deleted member"; lists as
    ``community.lists.services.lists_owner_leaving`` says (a collaborative list passes to a
    collaborator, a public list others commented on stays without owner). Movie averages and
    counts, other reviews' like counts and threads' reply counts are recomputed.
    """
    from community.discussions.models import Thread
    from community.discussions.services import thread_counts_refresh
    from community.lists.services import lists_owner_leaving
    from community.movies.services import movie_stats_refresh
    from community.reviews.models import Rating, Review
    from community.studios.services import studio_owner_leaving_warn

    if not user.is_authenticated or not user.pk:
        raise PermissionDenied("Log in to do that.")
    user_id = user.pk
    with transaction.atomic():
        studio_owner_leaving_warn(user=user)  # staff find those studios in the admin's filter
        movie_ids = set(Rating.objects.filter(user=user).values_list("movie_id", flat=True))
        movie_ids |= set(Review.objects.filter(user=user).values_list("movie_id", flat=True))
        liked_review_ids = list(user.review_likes.values_list("review_id", flat=True))
        thread_ids = list(Thread.objects.filter(replies__author=user).values_list("id", flat=True).distinct())
        # Their threads stay for the replies in them: the author becomes "deleted member".
        Thread.objects.filter(author=user).update(author=None)
        # Their lists go, or pass to a collaborator, or stay for others' comments (lists services).
        lists_owner_leaving(user=user)
        _sessions_end(user_id=user_id)
        user.delete()
        movie_stats_refresh(movie_ids=movie_ids)
        thread_counts_refresh(thread_ids=thread_ids)
        like_counts = dict(
            Review.objects.filter(pk__in=liked_review_ids).annotate(n=Count("likes")).values_list("pk", "n")
        )
        for review_id, n in like_counts.items():
            Review.objects.filter(pk=review_id).update(like_count=n)
        events.send_on_commit(events.user_deleted, user_id=user_id)


def _sessions_end(*, user_id: int) -> int:
    """End every session signed in as the user: the database row and, with the cached_db
    engine, its copy in the cache. Returns how many were ended.

    Sessions name their user only inside their signed data, so each unexpired one is read;
    account deletion is rare enough for that. (The cache-only engine cannot be listed;
    settings use it nowhere.)
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = str(user_id)
    ended = 0
    unexpired = Session.objects.filter(expire_date__gt=timezone.now()).order_by()
    for session in unexpired.iterator(chunk_size=2000):
        if str(session.get_decoded().get(SESSION_KEY, "")) == wanted:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended


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
