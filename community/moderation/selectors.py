"""Reads for moderation: finding the post (review, thread, reply, list comment) a member wants to report."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse

from community.accounts.models import Visibility
from community.discussions.models import Reply, Thread
from community.lists.models import ListComment
from community.moderation.models import Kind
from community.reviews.models import Review

Target = Review | Thread | Reply | ListComment


def reportable_get(*, kind: str, pk: int) -> Target:
    """The visible post of that kind and id (others' hidden posts cannot be reported), else 404."""
    if kind == Kind.REVIEW:
        found: Any = Review.objects.visible().select_related("movie", "user").filter(pk=pk).first()
    elif kind == Kind.THREAD:
        found = Thread.objects.visible().select_related("movie", "author").filter(pk=pk).first()
    elif kind == Kind.REPLY:
        found = (
            Reply.objects.visible()
            .filter(thread__hidden_at__isnull=True)
            .select_related("author", "thread", "thread__movie")
            .filter(pk=pk)
            .first()
        )
    elif kind == Kind.LIST_COMMENT:
        # comments are taken on public lists only; one whose list went private is not shown
        found = (
            ListComment.objects.visible()
            .filter(film_list__visibility=Visibility.PUBLIC)
            .select_related("author", "film_list")
            .filter(pk=pk)
            .first()
        )
    else:
        found = None
    if found is None:
        raise Http404("No such post.")
    return found


def target_url(target: Target) -> str:
    """Where the post is shown on the site."""
    if isinstance(target, Review):
        return f"{target.movie.get_absolute_url()}#review-{target.pk}"
    if isinstance(target, Thread):
        return target.get_absolute_url()
    if isinstance(target, ListComment):
        return f"{reverse('lists:detail', kwargs={'pk': target.film_list_id})}#comment-{target.pk}"
    return f"{reverse('discussions:thread', kwargs={'pk': target.thread_id})}#reply-{target.pk}"
