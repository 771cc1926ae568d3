"""Writes on discussion threads and their replies."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from community.accounts.models import User
from community.accounts.verification import posting_limit_check
from community.core import events
from community.core.validation import clean_text
from community.discussions.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Reply, Thread
from community.movies.models import Movie
from community.notifications.models import Notification
from community.notifications.services import notification_emit


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def _require_author(obj: Thread | Reply, user: User) -> None:
    if not user.is_authenticated or obj.author_id != user.pk:
        raise PermissionDenied("Only the author can change this post.")


def thread_create(*, user: User, movie: Movie, title: str, body: str) -> Thread:
    """Start a discussion about the movie (only a few a day until the account is verified)."""
    _require_member(user)
    clean_title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    clean_body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        posting_limit_check(user=user, posted=Thread.objects.filter(author=user), noun="threads")
        thread = Thread.objects.create(
            movie=movie,
            author=user,
            title=clean_title,
            body=clean_body,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        events.send_on_commit(events.thread_saved, thread_id=thread.pk, movie_id=movie.pk)
    return thread


def thread_update(*, thread: Thread, user: User, title: str, body: str) -> Thread:
    """Edit one's own thread."""
    _require_author(thread, user)
    thread.title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    thread.body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    thread.updated_at = timezone.now()
    with transaction.atomic():
        thread.save(update_fields=["title", "body", "updated_at"])
        events.send_on_commit(events.thread_saved, thread_id=thread.pk, movie_id=thread.movie_id)
    return thread


def thread_delete(*, thread: Thread, user: User) -> bool:
    """Delete one's own thread; returns whether it is gone entirely.

    Other members' replies are their words, not the author's: a thread anyone else replied in
    stays for those replies, with the opening post emptied and no author (shown as deleted);
    a thread with no reply but the author's own goes, replies and all.
    """
    _require_author(thread, user)
    with transaction.atomic():
        if not thread_has_others_replies(thread):
            thread.delete()
            return True
        thread.author = None
        thread.body = ""
        thread.save(update_fields=["author", "body"])
    return False


def thread_has_others_replies(thread: Thread) -> bool:
    return thread.replies.exclude(author_id=thread.author_id).exists()


def reply_create(*, user: User, thread: Thread, body: str) -> Reply:
    """Reply to a thread; bumps the thread's reply count and last activity. Only a few a day
    until the account's email address is verified."""
    _require_member(user)
    text = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        posting_limit_check(user=user, posted=Reply.objects.filter(author=user), noun="replies")
        reply = Reply.objects.create(thread=thread, author=user, body=text, created_at=now, updated_at=now)
        Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
        # the thread's author (none once they left) hears of replies in it
        notification_emit(
            recipient_id=thread.author_id, actor=user, verb=Notification.Verb.THREAD_REPLIED, reply=reply
        )
    thread.refresh_from_db(fields=["reply_count", "last_activity_at"])
    return reply


def reply_update(*, reply: Reply, user: User, body: str) -> Reply:
    """Edit one's own reply."""
    _require_author(reply, user)
    reply.body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    reply.updated_at = timezone.now()
    reply.save(update_fields=["body", "updated_at"])
    return reply


def reply_delete(*, reply: Reply, user: User) -> None:
    """Delete one's own reply; the thread's reply count follows."""
    _require_author(reply, user)
    thread_id = reply.thread_id
    with transaction.atomic():
        reply.delete()
        thread_counts_refresh(thread_ids=[thread_id])


def thread_counts_refresh(*, thread_ids: list[int]) -> None:
    """Recount the visible replies of the given threads (after deletions that bypass reply_delete,
    and after moderators hide or restore a reply)."""
    counts = dict(
        Reply.objects.visible()
        .filter(thread_id__in=thread_ids)
        .order_by()
        .values("thread_id")
        .annotate(n=Count("id"))
        .values_list("thread_id", "n")
    )
    for thread_id in thread_ids:
        Thread.objects.filter(pk=thread_id).update(reply_count=counts.get(thread_id, 0))
