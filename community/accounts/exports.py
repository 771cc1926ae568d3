"""Community's sections of "download my data" (registered by AccountsConfig.ready()).

Each section exports the member's rows of one or a few models, with movies and people named
(title, slug, username) rather than by internal id. See community/core/exports.py.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from community.accounts.models import User
from community.core.exports import Shape, model_exclude, section_register, when

COMMUNITY = 10  # community's sections come first, in the order below


def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "date_joined": when(user.date_joined),
        "last_login": when(user.last_login),
        "onboarded_at": when(user.onboarded_at),
        "favourite_genres": list(user.favourite_genres.values_list("name", flat=True)),
    }


def _ratings(user: User) -> list[dict[str, Any]]:
    from community.reviews.models import Rating

    return [
        {
            "movie": r.movie.title,
            "year": r.movie.year,
            "movie_slug": r.movie.slug,
            "score": str(r.score),
            "created_at": when(r.created_at),
            "updated_at": when(r.updated_at),
        }
        for r in Rating.objects.filter(user=user).select_related("movie").order_by("created_at", "pk")
    ]


def _reviews(user: User) -> list[dict[str, Any]]:
    from community.reviews.models import Review

    return [
        {
            "id": r.pk,
            "movie": r.movie.title,
            "movie_slug": r.movie.slug,
            "body": r.body,
            "has_spoilers": r.has_spoilers,
            "like_count": r.like_count,
            "created_at": when(r.created_at),
            "updated_at": when(r.updated_at),
        }
        for r in Review.objects.filter(user=user).select_related("movie").order_by("created_at", "pk")
    ]


def _review_likes(user: User) -> list[dict[str, Any]]:
    from community.reviews.models import ReviewLike

    likes = ReviewLike.objects.filter(user=user).select_related("review__movie", "review__user")
    return [
        {
            "review_id": like.review_id,
            "movie_slug": like.review.movie.slug,
            "review_author": like.review.user.username,
            "created_at": when(like.created_at),
        }
        for like in likes.order_by("created_at", "pk")
    ]


def _threads(user: User) -> list[dict[str, Any]]:
    from community.discussions.models import Thread

    return [
        {
            "id": t.pk,
            "movie_slug": t.movie.slug,
            "title": t.title,
            "body": t.body,
            "created_at": when(t.created_at),
            "updated_at": when(t.updated_at),
        }
        for t in Thread.objects.filter(author=user).select_related("movie").order_by("created_at", "pk")
    ]


def _replies(user: User) -> list[dict[str, Any]]:
    from community.discussions.models import Reply

    return [
        {
            "thread_id": r.thread_id,
            "thread_title": r.thread.title,
            "body": r.body,
            "created_at": when(r.created_at),
            "updated_at": when(r.updated_at),
        }
        for r in Reply.objects.filter(author=user).select_related("thread").order_by("created_at", "pk")
    ]


def _watchlist(user: User) -> list[dict[str, Any]]:
    from community.social.models import WatchlistItem

    return [
        {"movie": w.movie.title, "movie_slug": w.movie.slug, "added_at": when(w.added_at)}
        for w in WatchlistItem.objects.filter(user=user).select_related("movie").order_by("added_at", "pk")
    ]


def _following(user: User) -> list[str]:
    from community.social.models import Follow

    return list(
        Follow.objects.filter(follower=user)
        .order_by("followee__username")
        .values_list("followee__username", flat=True)
    )


def _followers(user: User) -> list[str]:
    from community.social.models import Follow

    return list(
        Follow.objects.filter(followee=user)
        .order_by("follower__username")
        .values_list("follower__username", flat=True)
    )


def _studio_memberships(user: User) -> list[dict[str, Any]]:
    from community.studios.models import StudioMembership

    memberships = StudioMembership.objects.filter(user=user).select_related("studio").order_by("studio__name")
    return [{"studio": m.studio.name, "studio_slug": m.studio.slug, "role": m.role} for m in memberships]


# API tokens: what a member may know of them (never the key, nor its hash or first characters).
# Switching the token model means changing only TOKEN_MODELS; each field is read from the first
# attribute of its list that the model has.
TOKEN_MODELS = ("accounts.ApiToken", "authtoken.Token")
TOKEN_FIELDS = {"name": ("name",), "created_at": ("created_at", "created"), "last_used_at": ("last_used_at",)}


def _api_tokens(user: User) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for label in TOKEN_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:  # that token model is not installed (the other one is)
            continue
        names = {f.name for f in model._meta.get_fields()}
        fields = {
            key: next(a for a in attrs if a in names)
            for key, attrs in TOKEN_FIELDS.items()
            if any(a in names for a in attrs)
        }
        for token in model._default_manager.filter(user=user).order_by(fields.get("created_at", "pk"), "pk"):
            row: dict[str, Any] = {}
            for key, attr in fields.items():
                value = getattr(token, attr)
                row[key] = when(value) if key.endswith("_at") else value
            out.append(row)
    return out


def _privacy(user: User) -> dict[str, Any]:
    return {
        "taste_profile": user.taste_visibility,
        "ratings": user.ratings_visibility,
        "watchlist": user.watchlist_visibility,
    }


def register() -> None:
    sections: list[tuple[str, Any, tuple[str, ...], Shape, str]] = [
        ("account", _account, ("accounts.User",), Shape.OBJECT, "Profile and favourite genres."),
        ("ratings", _ratings, ("reviews.Rating",), Shape.OBJECTS, "Star ratings."),
        ("reviews", _reviews, ("reviews.Review",), Shape.OBJECTS, "Reviews written."),
        ("review_likes", _review_likes, ("reviews.ReviewLike",), Shape.OBJECTS, "Reviews liked."),
        ("threads", _threads, ("discussions.Thread",), Shape.OBJECTS, "Discussions started."),
        ("replies", _replies, ("discussions.Reply",), Shape.OBJECTS, "Replies written."),
        ("watchlist", _watchlist, ("social.WatchlistItem",), Shape.OBJECTS, "Movies on the watchlist."),
        ("following", _following, ("social.Follow",), Shape.NAMES, "Usernames followed."),
        ("followers", _followers, ("social.Follow",), Shape.NAMES, "Usernames following."),
        (
            "studio_memberships",
            _studio_memberships,
            ("studios.StudioMembership", "studios.Studio"),
            Shape.OBJECTS,
            "Studios the member belongs to, with the role.",
        ),
        (
            "api_tokens",
            _api_tokens,
            TOKEN_MODELS,
            Shape.OBJECTS,
            "API tokens: name, when made and last used; never the key.",
        ),
        (
            "privacy",
            _privacy,
            ("accounts.User",),
            Shape.OBJECT,
            "Who may see the taste profile, ratings and watchlist on the profile.",
        ),
    ]
    for order, (name, provider, models, shape, help_text) in enumerate(sections):
        section_register(
            name, provider, models=models, shape=shape, help_text=help_text, order=COMMUNITY + order
        )
    model_exclude(
        "admin.LogEntry",
        reason="the admin's record of staff actions on the site's rows, not the member's data",
    )
