"""What happened to a member that they may want to know: someone followed them, liked their
review, replied in their discussion, commented on their list or invited them to one.

A notification points at its target through one nullable foreign key per kind (as moderation's
reports do), so deleting the target deletes the notification; who may still see it is decided
in one place, community.notifications.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    class Verb(models.TextChoices):
        FOLLOWED = "followed", "followed you"
        REVIEW_LIKED = "review_liked", "liked your review"
        THREAD_REPLIED = "thread_replied", "replied to your discussion"
        LIST_COMMENTED = "list_commented", "commented on your list"
        LIST_INVITED = "list_invited", "invited you to collaborate on a list"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A member who deletes their account takes what they did with them (their follows, likes,
    # replies and comments go too).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications_caused"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reply = models.ForeignKey(
        "discussions.Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    list_comment = models.ForeignKey(
        "lists.ListComment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        "lists.ListCollaborator", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The list a comment or an invitation is about: who may see it is checked when shown.
    film_list = models.ForeignKey(
        "lists.FilmList", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What "one notification per actor, verb and target" compares ("review:12"; "" for a follow):
    # liking, unliking and liking again notifies once.
    target_key = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out in an email digest (never twice).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "actor", "verb", "target_key"],
                name="one_notification_per_actor_verb_target",
            ),
            models.CheckConstraint(condition=~Q(recipient=models.F("actor")), name="no_self_notification"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """A member's notification choices; no row means the defaults (no email digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user_id}: digest {'on' if self.email_digest else 'off'}"


class DigestSent(models.Model):
    """One email digest that went out: when, to whom, and how many notifications it held."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent")
    sent_at = models.DateTimeField()
    notification_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"digest to {self.user_id} at {self.sent_at:%Y-%m-%d %H:%M}"
