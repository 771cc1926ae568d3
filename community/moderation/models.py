"""Members' reports on reviews, threads, replies and list comments, and the log of what staff
did about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

NOTE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500


class Kind(models.TextChoices):
    REVIEW = "review", "Review"
    THREAD = "thread", "Discussion thread"
    REPLY = "reply", "Reply"
    LIST_COMMENT = "list_comment", "List comment"


class Report(models.Model):
    """One member's report of one post. Exactly one of review, thread, reply and list_comment
    is set (each field is named like its Kind value)."""

    class Reason(models.TextChoices):
        SPOILER = "spoiler", "Spoiler without warning"
        ABUSE = "abuse", "Abuse or harassment"
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Content hidden"
        DISMISSED = "dismissed", "Dismissed"
        RESTORED = "restored", "Closed by a restore"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    thread = models.ForeignKey(
        "discussions.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reply = models.ForeignKey(
        "discussions.Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    list_comment = models.ForeignKey(
        "lists.ListComment", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_resolved",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        review__isnull=False,
                        thread__isnull=True,
                        reply__isnull=True,
                        list_comment__isnull=True,
                    )
                    | Q(
                        review__isnull=True,
                        thread__isnull=False,
                        reply__isnull=True,
                        list_comment__isnull=True,
                    )
                    | Q(
                        review__isnull=True,
                        thread__isnull=True,
                        reply__isnull=False,
                        list_comment__isnull=True,
                    )
                    | Q(
                        review__isnull=True,
                        thread__isnull=True,
                        reply__isnull=True,
                        list_comment__isnull=False,
                    )
                ),
                name="report_has_one_of_four_targets",
            ),
            # Once each per member (NULLs are distinct, so each constraint binds its own kind).
            models.UniqueConstraint(fields=["reporter", "review"], name="one_report_per_member_and_review"),
            models.UniqueConstraint(fields=["reporter", "thread"], name="one_report_per_member_and_thread"),
            models.UniqueConstraint(fields=["reporter", "reply"], name="one_report_per_member_and_reply"),
            models.UniqueConstraint(
                fields=["reporter", "list_comment"], name="one_report_per_member_and_list_comment"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"Report #{self.pk} ({self.get_reason_display()}) of {self.kind} {self.target_id}"

    @property
    def kind(self) -> str:
        if self.review_id is not None:
            return Kind.REVIEW
        if self.thread_id is not None:
            return Kind.THREAD
        if self.reply_id is not None:
            return Kind.REPLY
        return Kind.LIST_COMMENT

    @property
    def target_id(self) -> int | None:
        return self.review_id or self.thread_id or self.reply_id or self.list_comment_id

    @property
    def target(self):
        return self.review or self.thread or self.reply or self.list_comment


class ModerationAction(models.Model):
    """The audit log: written by the services only, never edited (the admin shows it read-only)."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hide"
        RESTORE = "restore", "Restore"
        DISMISS = "dismiss", "Dismiss report"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="moderation_actions",
    )
    # Kept as typed, so the log still says who once the account is gone.
    actor_username = models.CharField(max_length=150)
    created_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # No foreign key: the entry outlives the content it is about.
    object_id = models.PositiveBigIntegerField()
    author_username = models.CharField(max_length=150, blank=True, default="")
    reason = models.TextField()
    snapshot = models.TextField(blank=True, default="")
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.kind} {self.object_id}"
