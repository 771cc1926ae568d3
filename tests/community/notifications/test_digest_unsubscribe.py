"""The digest's one-click unsubscribe (RFC 8058): a signed link per member that a mail provider
POSTs to without a cookie, a page behind it that changes nothing when opened, and the headers
that announce it."""

from __future__ import annotations

from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve

from community.accounts.verification import verification_token
from community.notifications import services
from community.notifications.models import NotificationSettings
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _opted_in():
    member = UserFactory()
    services.notification_settings_update(user=member, email_digest=True)
    return member


def _digest_on(member) -> bool:
    return NotificationSettings.objects.filter(user=member, email_digest=True).exists()


def _path(member) -> str:
    return urlsplit(services.digest_unsubscribe_url(user=member)).path


@pytest.fixture
def provider():
    """A mail provider's one click: no session, no CSRF cookie, and CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def test_a_one_click_post_without_a_cookie_turns_the_digest_off(provider):
    member = _opted_in()
    response = provider.post(_path(member), ONE_CLICK)
    assert response.status_code == 200
    assert not _digest_on(member)
    assert "You will get no more digest emails." in response.content.decode()


def test_opening_the_link_changes_nothing_and_offers_a_button(provider):
    member = _opted_in()
    response = provider.get(_path(member))
    assert response.status_code == 200
    assert _digest_on(member)
    html = response.content.decode()
    assert f'<form method="post" action="{_path(member)}">' in html
    assert "Stop the email digest</button>" in html
    assert '/accounts/settings/#notifications-h">' in html
    assert "no-cache" in response["Cache-Control"]


def test_the_button_on_the_page_turns_the_digest_off_and_says_how_to_turn_it_back_on(provider):
    member = _opted_in()
    html = provider.post(_path(member), ONE_CLICK).content.decode()
    assert not _digest_on(member)
    assert (
        "You will get no more digest emails. You can turn it back on in "
        '<a href="/accounts/settings/#notifications-h">your settings</a>.'
    ) in html


def test_a_tampered_or_foreign_link_answers_400_and_changes_nothing(provider):
    member = _opted_in()
    token = _path(member).rstrip("/").rsplit("/", 1)[1]
    pk, signature = token.split(":")
    other = _opted_in()
    bad_tokens = [
        "nonsense",
        f"{pk}:{signature[:-1]}",  # cut short
        f"{pk}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # one character changed
        f"{other.pk}:{signature}",  # another member's id under this member's signature
        f"{pk}:",
        # signed by the site, but for another purpose (an email verification link)
        verification_token(user=member, email=member.email),
    ]
    for bad in bad_tokens:
        path = f"/notifications/digest/unsubscribe/{bad}/"
        for response in (provider.get(path), provider.post(path, ONE_CLICK)):
            assert response.status_code == 400, bad
            assert "This unsubscribe link is not valid" in response.content.decode()
    assert _digest_on(member) and _digest_on(other)


def test_a_link_for_one_member_cannot_unsubscribe_another(client):
    alice, bob = _opted_in(), _opted_in()
    client.force_login(bob)  # even signed in as bob, alice's link is about alice
    assert client.post(_path(alice), ONE_CLICK).status_code == 200
    assert not _digest_on(alice)
    assert _digest_on(bob)
    assert _path(alice) != _path(bob)


def test_unsubscribing_twice_is_fine_and_a_member_who_never_chose_gets_no_settings_row(provider):
    member = _opted_in()
    for _ in range(2):
        assert provider.post(_path(member), ONE_CLICK).status_code == 200
        assert not _digest_on(member)
    assert services.digest_unsubscribe(token=_path(member).split("/")[-2]) == member
    never_chose = UserFactory()
    assert provider.post(_path(never_chose), ONE_CLICK).status_code == 200
    assert not NotificationSettings.objects.filter(user=never_chose).exists()


def test_a_deleted_members_link_answers_400(provider):
    member = _opted_in()
    path = _path(member)
    member.delete()
    assert provider.post(path, ONE_CLICK).status_code == 400


def test_other_methods_are_refused(provider):
    member = _opted_in()
    assert provider.put(_path(member)).status_code == 405
    assert _digest_on(member)


def test_the_digest_announces_one_click_unsubscribe_and_links_to_it(settings, provider):
    settings.SITE_URL = "https://cinecircle.example/"
    member = _opted_in()
    NotificationFactory(recipient=member)
    services.digest_send(user_id=member.pk)
    (message,) = mail.outbox
    url = services.digest_unsubscribe_url(user=member)
    assert url.startswith("https://cinecircle.example/notifications/digest/unsubscribe/")
    assert message.extra_headers == {
        "Auto-Submitted": "auto-generated",
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f"\nUnsubscribe: {url}\n" in message.body
    settings_url = "https://cinecircle.example/accounts/settings/#notifications-h"
    assert f"\nYour notification settings: {settings_url}\n" in message.body
    # as a mail client reads the sent message: the link survives header folding intact
    received = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert received["List-Unsubscribe"].strip() == f"<{url}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # and the provider's one click on it works
    path = urlsplit(url).path
    assert resolve(path).view_name == "notifications:digest_unsubscribe"
    assert provider.post(path, ONE_CLICK).status_code == 200
    assert not _digest_on(member)
