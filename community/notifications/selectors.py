"""Reads on notifications, and the one rule of which of them a member is shown.

A notification is shown to its recipient while its actor's account is active and its target is
still there and visible: not hidden by moderators (a review, a reply or the thread it is in, a
list comment), and, for a list, only while the recipient may see the list
(community.lists.selectors.visible_q). Deleted targets take their notifications with them
(foreign keys). The page, the navigation's count, the API and the email digest all read through
``shown_q``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from community.accounts.models import User
from community.core import pagecache
from community.lists.models import FilmList, ListCollaborator
from community.lists.selectors import visible_q
from community.notifications.models import Notification, NotificationSettings

Verb = Notification.Verb


def shown_q(user: User) -> Q:
    """``Q`` on Notification for what ``user`` (the recipient) is shown."""
    lists_seen = FilmList.objects.filter(visible_q(user)).values("pk")
    return (
        Q(recipient=user)
        & Q(actor__is_active=True)
        & (Q(review__isnull=True) | Q(review__hidden_at__isnull=True))
        & (Q(reply__isnull=True) | Q(reply__hidden_at__isnull=True, reply__thread__hidden_at__isnull=True))
        & (Q(list_comment__isnull=True) | Q(list_comment__hidden_at__isnull=True))
        & (Q(film_list__isnull=True) | Q(film_list__in=lists_seen))
    )


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The member's notifications, newest first, with what each item shows (a fixed number of
    queries whatever the page holds)."""
    return (
        Notification.objects.filter(shown_q(user))
        .select_related("actor", "review__movie", "reply__thread", "list_comment", "film_list", "invitation")
        .order_by("-created_at", "-pk")
    )


def unread_count(*, user: Any) -> int:
    """How many of the member's shown notifications are unread (one query; 0 for a visitor)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return Notification.objects.filter(shown_q(user), read_at__isnull=True).count()


def notification_get(*, user: User, pk: int) -> Notification:
    """One of the member's own notifications, else 404 (another member's is not said to exist)."""
    found = Notification.objects.filter(recipient=user, pk=pk).first()
    if found is None:
        raise Http404("No such notification.")
    return found


def digest_enabled(*, user: User) -> bool:
    """Whether the member asked for email digests (off unless they turned them on)."""
    return NotificationSettings.objects.filter(user=user, email_digest=True).exists()


def digest_due(*, user: User) -> QuerySet[Notification]:
    """Unread notifications the member is shown that no digest has carried yet, oldest first."""
    return (
        notifications_for(user=user)
        .filter(read_at__isnull=True, emailed_at__isnull=True)
        .order_by("created_at", "pk")
    )


def members_due_a_digest() -> QuerySet[User]:
    """Members who turned digests on, can receive mail, and have an unread notification no
    digest carried yet (hidden targets are checked per member when the digest is built)."""
    pending = Notification.objects.filter(
        recipient=OuterRef("pk"), read_at__isnull=True, emailed_at__isnull=True
    )
    return (
        User.objects.filter(
            is_active=True,
            kind=User.Kind.MEMBER,
            notification_settings__email_digest=True,
            email_verified_at__isnull=False,
        )
        .exclude(email="")
        .filter(Exists(pending))
        .order_by("pk")
    )


def target_url(notification: Notification) -> str:
    """Where the item leads: the review, the reply, the comment, the invitation or the follower."""
    n = notification
    if n.review_id is not None and n.review is not None:
        return f"{n.review.movie.get_absolute_url()}#review-{n.review_id}"
    if n.reply_id is not None and n.reply is not None:
        return f"{reverse('discussions:thread', kwargs={'pk': n.reply.thread_id})}#reply-{n.reply_id}"
    if n.list_comment_id is not None:
        return f"{reverse('lists:detail', kwargs={'pk': n.film_list_id})}#comment-{n.list_comment_id}"
    if n.invitation_id is not None and n.invitation is not None:
        if n.invitation.status == ListCollaborator.Status.INVITED:
            return reverse("lists:invitations")
        return reverse("lists:detail", kwargs={"pk": n.film_list_id})
    return reverse("accounts:profile", kwargs={"username": n.actor.username})


def target_title(notification: Notification) -> str:
    """The name of what the item is about, to follow the verb ("liked your review" *of Heat*)."""
    n = notification
    if n.review is not None:
        return n.review.movie.title
    if n.reply is not None:
        return n.reply.thread.title
    if n.film_list is not None:
        return n.film_list.title
    return ""


def home_stamp_fields() -> dict[str, object]:
    """The homepage is cached per member; its navigation shows the unread count."""
    unread = Notification.objects.filter(read_at__isnull=True)
    # watched through model signals (a cascade from a deleted review too); the bulk writes in
    # services.py call member_pages_changed themselves
    stamp = pagecache.activity(unread, "created_at", user_field="recipient_id")
    return {"unread_notifications": stamp}


@dataclass(frozen=True)
class Item:
    """A notification as a page or the digest shows it."""

    notification: Notification
    url: str
    title: str


def items(notifications: Iterable[Notification]) -> list[Item]:
    return [Item(n, target_url(n), target_title(n)) for n in notifications]
