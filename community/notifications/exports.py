"""Notifications in "download my data" (community/core/exports.py), registered by NotificationsConfig."""

from __future__ import annotations

from typing import Any

from community.accounts.models import User
from community.core.exports import Shape, section_register, when

ORDER = 50  # after community's own sections, the diary and the lists


def _notifications(user: User) -> list[dict[str, Any]]:
    from community.notifications import selectors
    from community.notifications.models import Notification

    # Every notification the member received, shown or not (a hidden target's too): it is theirs.
    received = (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "review__movie", "reply__thread", "list_comment", "film_list", "invitation")
        .order_by("created_at", "pk")
    )
    return [
        {
            "verb": n.verb,
            "text": f"{n.actor.username} {n.get_verb_display()}",
            "actor": n.actor.username,
            "about": selectors.target_title(n),
            "url": selectors.target_url(n),
            "created_at": when(n.created_at),
            "read_at": when(n.read_at),
            "emailed_at": when(n.emailed_at),
        }
        for n in received
    ]


def _settings(user: User) -> dict[str, Any]:
    from community.notifications.models import NotificationSettings

    choice = NotificationSettings.objects.filter(user=user).first()
    return {
        "email_digest": bool(choice and choice.email_digest),
        "updated_at": when(choice.updated_at) if choice else None,
    }


def _digests(user: User) -> list[dict[str, Any]]:
    from community.notifications.models import DigestSent

    return [
        {"sent_at": when(d.sent_at), "notification_count": d.notification_count}
        for d in DigestSent.objects.filter(user=user).order_by("sent_at", "pk")
    ]


def register() -> None:
    section_register(
        "notifications",
        _notifications,
        # Notification points at the member twice: as recipient (exported here) and as actor
        # (the rows in other members' notifications about what this member did; those are the
        # other members' data, and what this member did is in their own sections).
        models=("notifications.Notification",),
        shape=Shape.OBJECTS,
        help_text="Notifications you received: who, what, when, and when you read them.",
        order=ORDER,
    )
    section_register(
        "notification_settings",
        _settings,
        models=("notifications.NotificationSettings",),
        shape=Shape.OBJECT,
        help_text="Whether you get an email digest of unread notifications.",
        order=ORDER + 1,
    )
    section_register(
        "notification_digests",
        _digests,
        models=("notifications.DigestSent",),
        shape=Shape.OBJECTS,
        help_text="The email digests sent to you: when, and how many notifications each held.",
        order=ORDER + 2,
    )
