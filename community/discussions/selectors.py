"""Reads on discussions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from community.discussions.models import Reply, Thread
from community.movies.models import Movie


def thread_list(*, movie: Movie | None = None, viewer: Any = None) -> QuerySet[Thread]:
    """Threads ``viewer`` may see, most recently active first (optionally of one movie)."""
    threads: QuerySet[Thread] = Thread.objects.visible_to(viewer).select_related("author", "movie")
    if movie is not None:
        threads = threads.filter(movie=movie)
    return threads.order_by("-last_activity_at", "-pk")


def thread_get(*, pk: int, viewer: Any = None) -> Thread:
    """The thread if ``viewer`` may see it (a hidden one only its author), else 404."""
    return get_object_or_404(Thread.objects.visible_to(viewer).select_related("author", "movie"), pk=pk)


def thread_replies(*, thread: Thread, viewer: Any = None) -> QuerySet[Reply]:
    return (
        Reply.objects.visible_to(viewer)
        .filter(thread=thread)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def reply_get(*, pk: int, viewer: Any = None) -> Reply:
    return get_object_or_404(
        Reply.objects.visible_to(viewer).select_related("author", "thread", "thread__movie"), pk=pk
    )
