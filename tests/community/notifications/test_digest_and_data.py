"""Email digests (off by default, sent once per notification, on the bulk queue, daily), the
member's data export, and what account deletion does to notifications."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from community.accounts.services import account_delete
from community.celery import app as celery_app
from community.core.exports import export_build
from community.notifications import services, tasks
from community.notifications.models import DigestSent, Notification
from community.reviews.services import review_like
from community.social.services import follow_create
from tests.factories import NotificationFactory, ReviewFactory, UnverifiedUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _opted_in(**kwargs):
    member = UserFactory(**kwargs)
    services.notification_settings_update(user=member, email_digest=True)
    return member


def test_no_digest_goes_to_a_member_who_did_not_ask_for_one():
    member = UserFactory()
    follow_create(follower=UserFactory(), followee=member)
    assert tasks.notification_digests_send() == 0
    assert services.digest_send(user_id=member.pk) is None
    assert mail.outbox == []


def test_a_digest_lists_unread_notifications_with_links_and_is_sent_once(settings):
    settings.SITE_URL = "https://cinecircle.example"
    member = _opted_in()
    fan = UserFactory(first_name="Ada", last_name="Fan")
    review = ReviewFactory(user=member)
    review_like(review=review, user=fan)
    follow_create(follower=fan, followee=member)
    sent = services.digest_send(user_id=member.pk)
    assert sent is not None and sent.notification_count == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject == "CineCircle: 2 new notifications"
    assert "Ada Fan liked your review: " + review.movie.title in message.body
    assert f"https://cinecircle.example{review.movie.get_absolute_url()}#review-{review.pk}" in message.body
    assert "https://cinecircle.example/accounts/settings/#notifications-h" in message.body
    unsubscribe_url = services.digest_unsubscribe_url(user=member)
    assert unsubscribe_url.startswith("https://cinecircle.example/notifications/digest/unsubscribe/")
    assert f"Unsubscribe: {unsubscribe_url}\n" in message.body
    assert message.extra_headers == {
        "Auto-Submitted": "auto-generated",  # no vacation replies
        "List-Unsubscribe": f"<{unsubscribe_url}>",  # signed, one click (RFC 8058)
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    # twice: nothing new, nothing sent
    assert services.digest_send(user_id=member.pk) is None
    assert tasks.notification_digests_send() == 0
    assert len(mail.outbox) == 1 and DigestSent.objects.filter(user=member).count() == 1
    # a new notification goes in the next digest, alone
    follow_create(follower=UserFactory(), followee=member)
    assert services.digest_send(user_id=member.pk).notification_count == 1
    assert len(mail.outbox) == 2


def test_read_and_hidden_notifications_stay_out_of_the_digest():
    member = _opted_in()
    NotificationFactory(recipient=member, read_at=timezone.now())
    assert services.digest_send(user_id=member.pk) is None
    assert mail.outbox == []


def test_no_digest_to_an_unverified_address():
    member = UnverifiedUserFactory()
    services.notification_settings_update(user=member, email_digest=True)
    NotificationFactory(recipient=member)
    assert tasks.notification_digests_send() == 0
    assert services.digest_send(user_id=member.pk) is None


def test_the_daily_task_queues_one_digest_per_member_due(monkeypatch):
    due = [_opted_in(), _opted_in()]
    for member in due:
        NotificationFactory(recipient=member)
    _opted_in()  # nothing new
    NotificationFactory()  # not opted in
    queued: list[int] = []
    monkeypatch.setattr(tasks.notification_digest_send, "delay", queued.append)
    assert tasks.notification_digests_send() == 2
    assert sorted(queued) == sorted(m.pk for m in due)


def test_the_digest_task_runs_twice_safely():
    member = _opted_in()
    NotificationFactory(recipient=member)
    assert tasks.notification_digest_send.apply(args=[member.pk]).get() == "sent 1"
    assert tasks.notification_digest_send.apply(args=[member.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_sends_nothing_and_keeps_the_notifications_for_later(settings):
    member = _opted_in()
    n = NotificationFactory(recipient=member)
    with socket.socket() as s:  # a port nothing listens on: connection refused
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    with pytest.raises(OSError):
        services.digest_send(user_id=member.pk)
    n.refresh_from_db()
    assert n.emailed_at is None and not DigestSent.objects.exists()


def test_digests_run_on_the_bulk_queue_every_day():
    for name in (tasks.notification_digests_send.name, tasks.notification_digest_send.name):
        assert celery_app.amqp.router.route({}, name)["queue"].name == settings.CELERY_BULK_QUEUE
    entry = settings.CELERY_BEAT_SCHEDULE["notification-digests-daily"]
    assert entry["task"] == tasks.notification_digests_send.name


def test_the_export_holds_the_members_notifications_and_digest_choice():
    member = _opted_in()
    fan = UserFactory()
    follow_create(follower=fan, followee=member)
    NotificationFactory(recipient=fan, actor=member)  # about the member, in someone else's inbox
    services.digest_send(user_id=member.pk)
    document = export_build(user=member)
    assert [(n["verb"], n["actor"]) for n in document["notifications"]] == [("followed", fan.username)]
    assert document["notifications"][0]["emailed_at"] is not None
    assert document["notification_settings"]["email_digest"] is True
    assert [d["notification_count"] for d in document["notification_digests"]] == [1]
    other = export_build(user=UserFactory())
    assert other["notifications"] == [] and other["notification_settings"]["email_digest"] is False


def test_deleting_an_account_removes_its_notifications_both_ways():
    member, fan, bystander = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=fan, followee=member)
    follow_create(follower=member, followee=bystander)
    services.notification_settings_update(user=member, email_digest=True)
    account_delete(user=member)
    assert not Notification.objects.filter(recipient_id=member.pk).exists()
    assert not Notification.objects.filter(recipient=bystander).exists()  # what the member did goes too
    assert Notification.objects.count() == 0
