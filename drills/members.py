"""What a drill needs in the database: members signed in server-side, movies, threads, and the
check that every review posted during the drill was analysed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction

from community.accounts import tokens
from community.accounts.models import User
from community.accounts.services import user_signup
from community.discussions import services as discussions
from community.discussions.models import Thread
from community.movies.models import Movie
from community.reviews.models import Review
from drills.client import Visitor

MEMBER_PREFIX = "drill_member_"
# Field names an email-verification feature may add; set when present so limits for
# unverified accounts do not throttle the drill.
VERIFIED_FIELDS = ("email_verified", "email_verified_at")


@dataclass
class MovieRef:
    id: int
    slug: str
    title: str


def members_ensure(count: int) -> list[User]:
    """`count` member accounts named drill_member_<n>, made through the sign-up service once."""
    users = []
    for n in range(count):
        username = f"{MEMBER_PREFIX}{n}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_signup(
                username=username, password=secrets.token_urlsafe(18), email=f"{username}@example.org"
            )
        _mark_verified(user)
        users.append(user)
    return users


def _mark_verified(user: User) -> None:
    from django.utils import timezone

    changed = []
    for name in VERIFIED_FIELDS:
        if any(f.name == name for f in User._meta.get_fields()):
            value = True if name == "email_verified" else timezone.now()
            if not getattr(user, name):
                setattr(user, name, value)
                changed.append(name)
    if changed:
        user.save(update_fields=changed)


def visitor_for(user: User) -> Visitor:
    """A visitor signed in as `user` through a session made here (no login form, no throttle),
    with an API token made by the token service."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    _token, key = tokens.token_create(user=user, name="drill")
    return Visitor(session_key=store.session_key, token=key, user_id=user.pk)


def popular_movies(limit: int) -> list[MovieRef]:
    return [
        MovieRef(*row)
        for row in Movie.objects.order_by("-rating_count", "pk").values_list("id", "slug", "title")[:limit]
    ]


def threads_seed(users: list[User], movies: list[MovieRef], count: int) -> list[int]:
    """At least `count` threads by drill members, so replies and thread pages have something to hit."""
    existing = list(Thread.objects.filter(author__in=users).values_list("pk", flat=True)[:count])
    with transaction.atomic():
        for n in range(len(existing), count):
            movie = Movie.objects.get(pk=movies[n % len(movies)].id)
            thread = discussions.thread_create(
                user=users[n % len(users)],
                movie=movie,
                title=f"What did you make of the ending of {movie.title}?",
                body="I keep thinking about the last scene. Did it work for you?",
            )
            existing.append(thread.pk)
    return existing


@dataclass
class AnalysisCheck:
    posted: int
    analysed: int
    missing: list[int]

    def line(self) -> str:
        return f"reviews posted {self.posted} / analysed {self.analysed} / missing {len(self.missing)}"


def reviews_check(*, user_ids: list[int], since: datetime) -> AnalysisCheck:
    """Reviews the drill's members wrote since `since`, and which of them have an analysis.

    The analysis model is looked up by name: the drills only read the recommender's table.
    """
    analysis = apps.get_model("recommender", "ReviewAnalysis")
    ids = set(Review.objects.filter(user_id__in=user_ids, created_at__gte=since).values_list("pk", flat=True))
    analysed = set(analysis.objects.filter(review_id__in=ids).values_list("review_id", flat=True))
    return AnalysisCheck(posted=len(ids), analysed=len(analysed), missing=sorted(ids - analysed))
