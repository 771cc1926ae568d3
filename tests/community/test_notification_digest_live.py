"""The notification email digest end to end: celery beat's task sent through Redis to a real
worker process on the bulk queue, which mails through Django's SMTP backend to a real SMTP
server (aiosmtpd, in this process). Other tests use the locmem backend; this one catches what
only a real worker and a real mail server see (settings read from the environment, routing,
headers, encoding, absolute links)."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from community.celery import app as celery_app
from community.notifications import services
from community.notifications.models import DigestSent, Notification
from community.reviews.services import review_like
from community.social.services import follow_create
from tests.factories import MovieFactory, ReviewFactory, UnverifiedUserFactory, UserFactory
from tests.integration.conftest import LiveWorker, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SITE_URL = "https://cinecircle.example"
FROM = "CineCircle <digests@cinecircle.example>"
BEAT = "community.notifications.tasks.notification_digests_send"
DIGEST = "community.notifications.tasks.notification_digest_send"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        # as a mail client reads it: lines end in \n once off the wire
        parsed = message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Inbox:
    """What the SMTP server accepted, in order."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(host="127.0.0.1", port=_free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def bulk_worker(tmp_path: Path, smtp_server: Inbox) -> Iterator[LiveWorker]:
    # The worker reads mail settings as production does: EMAIL_URL, SITE_URL, DEFAULT_FROM_EMAIL.
    worker = start_worker(
        tmp_path,
        name="digest",
        extra_env={
            "EMAIL_URL": f"smtp://{smtp_server.host}:{smtp_server.port}/?timeout=5",
            "SITE_URL": SITE_URL + "/",  # a trailing slash must not double up in links
            "DEFAULT_FROM_EMAIL": FROM,
        },
    )
    yield worker
    stop_worker(worker)


def _run(worker: LiveWorker, name: str, *args: int) -> str:
    """Send a task to the worker's bulk queue and wait for what it returned (from its log)."""
    task_id = uuid.uuid4().hex
    celery_app.send_task(name, args=list(args), task_id=task_id, queue=f"{worker.queue}.bulk")
    done = re.compile(rf"\[{task_id}\] (succeeded in [\d.]+s: (.*)|(failed|retry|raised).*)")
    found = wait_for(lambda: done.search(worker.log()), timeout=30, interval=0.1, worker=worker)
    assert found.group(2) is not None, f"{name} did not succeed:\n{worker.log()}"
    return found.group(2)


def _opted_in(**kwargs: Any):
    member = UserFactory.create(**kwargs)
    services.notification_settings_update(user=member, email_digest=True)
    return member


def test_the_daily_digest_is_mailed_once_by_a_real_worker_through_a_real_smtp_server(
    smtp_server: Inbox, bulk_worker: LiveWorker
):
    member = _opted_in(username="maria", first_name="María", last_name="Núñez", email="maria@example.org")
    fan = UserFactory.create(username="zoë", first_name="Zoë", last_name="Ångström")
    review = ReviewFactory.create(user=member, movie=MovieFactory.create(title="Amélie", year=2001))
    review_like(review=review, user=fan)
    follow_create(follower=fan, followee=member)
    # digest off (never turned on, and turned off), and on without a verified address: nothing
    quiet = UserFactory.create()
    follow_create(follower=fan, followee=quiet)
    turned_off = UserFactory.create()
    services.notification_settings_update(user=turned_off, email_digest=True)
    services.notification_settings_update(user=turned_off, email_digest=False)
    follow_create(follower=fan, followee=turned_off)
    unverified = UnverifiedUserFactory.create()
    services.notification_settings_update(user=unverified, email_digest=True)
    follow_create(follower=fan, followee=unverified)

    assert _run(bulk_worker, BEAT) == "1"  # one digest queued, to the bulk queue, by the worker
    wait_for(lambda: smtp_server.messages, timeout=30, worker=bulk_worker)
    wait_for(lambda: "succeeded" in bulk_worker.log().split(f"{DIGEST}[", 1)[-1], worker=bulk_worker)

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_tos == ["maria@example.org"]
    assert received.mail_from == "digests@cinecircle.example"
    message = received.message
    assert message["To"] == "maria@example.org"
    assert message["From"] == FROM
    assert message["Subject"] == "CineCircle: 2 new notifications"
    assert message["Date"] and message["Message-ID"]
    assert message["Auto-Submitted"] == "auto-generated"  # no out-of-office replies to a digest
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert body.startswith("Hello María Núñez,\n")
    review_url = f"{SITE_URL}{review.movie.get_absolute_url()}#review-{review.pk}"
    profile_url = f"{SITE_URL}/u/zo%C3%AB/"  # percent-encoded, so every mail client links all of it
    assert profile_url == SITE_URL + reverse("accounts:profile", kwargs={"username": "zoë"})
    assert f"- Zoë Ångström liked your review: Amélie\n  {review_url}\n" in body
    assert f"- Zoë Ångström followed you\n  {profile_url}\n" in body
    assert body.index("liked your review") < body.index("followed you")  # oldest first
    assert f"All your notifications: {SITE_URL}/notifications/\n" in body
    assert f"{SITE_URL}/accounts/settings/#notifications-h" in body
    links = re.findall(r"\S+://\S+", body)
    assert links and all(link.startswith(SITE_URL + "/") and "//" not in link[8:] for link in links), links
    # the signed one-click link (RFC 8058), in the body too; the worker signs with the same key
    # but builds it on its own SITE_URL
    unsubscribe_url = SITE_URL + urlsplit(services.digest_unsubscribe_url(user=member)).path
    assert unsubscribe_url.startswith(f"{SITE_URL}/notifications/digest/unsubscribe/{member.pk}:")
    assert f"Unsubscribe: {unsubscribe_url}\n" in body
    # folded onto its own line when long (RFC 5322 allows it), hence strip()
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mailed = Notification.objects.filter(recipient=member)
    assert mailed.count() == 2 and not mailed.filter(emailed_at__isnull=True).exists()
    assert list(DigestSent.objects.values_list("user_id", "notification_count")) == [(member.pk, 2)]

    # again, the daily task and the member's task: nothing left to send
    assert _run(bulk_worker, BEAT) == "0"
    assert _run(bulk_worker, DIGEST, member.pk) == "'skipped'"
    for other in (quiet, turned_off, unverified):
        assert _run(bulk_worker, DIGEST, other.pk) == "'skipped'"
    assert len(smtp_server.messages) == 1
    assert DigestSent.objects.count() == 1
    assert not Notification.objects.exclude(recipient=member).filter(emailed_at__isnull=False).exists()
