"""Email digests of unread notifications, for the members who turned them on (off by default).

``notification_digests_send`` runs daily from celery beat (settings.CELERY_BEAT_SCHEDULE) and
queues one ``notification_digest_send`` per member with something new; both run on the bulk
queue, so no member's request waits behind them.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from community.notifications import selectors, services

log = logging.getLogger(__name__)


@shared_task(
    name="community.notifications.tasks.notification_digest_send",
    bind=True,
    acks_late=True,
    max_retries=5,
)
def notification_digest_send(self, user_id: int) -> str:
    """Send one member's digest (safe to run twice: what was mailed is recorded and skipped)."""
    try:
        sent = services.digest_send(user_id=user_id)
    except (smtplib.SMTPException, OSError) as exc:  # a mail server that is down or slow
        raise self.retry(exc=exc, countdown=300) from exc
    return "skipped" if sent is None else f"sent {sent.notification_count}"


@shared_task(name="community.notifications.tasks.notification_digests_send", acks_late=True)
def notification_digests_send() -> int:
    """Queue a digest for every member who asked for them and has unread notifications not yet
    mailed. Returns how many were queued."""
    user_ids = list(selectors.members_due_a_digest().values_list("pk", flat=True))
    for user_id in user_ids:
        notification_digest_send.delay(user_id)
    log.info("queued %s notification digests", len(user_ids))
    return len(user_ids)
