"""Reads on discussions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from community.discussions.models import Reply, Thread
from community.movies.models import Movie


def thread_list(*, movie: Movie | None = None) -> QuerySet[Thread]:
    """Threads, most recently active first (optionally of one movie)."""
    threads = Thread.objects.select_related("author", "movie")
    if movie is not None:
        threads = threads.filter(movie=movie)
    return threads.order_by("-last_activity_at", "-pk")


def thread_get(*, pk: int) -> Thread:
    return get_object_or_404(Thread.objects.select_related("author", "movie"), pk=pk)


def thread_replies(*, thread: Thread) -> QuerySet[Reply]:
    return Reply.objects.filter(thread=thread).select_related("author").order_by("created_at", "pk")


def reply_get(*, pk: int) -> Reply:
    return get_object_or_404(Reply.objects.select_related("author", "thread", "thread__movie"), pk=pk)
