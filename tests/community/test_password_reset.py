"""Issue 13, "Expected and missing": a forgotten password is reset through a link mailed to the
member, without telling anyone which addresses have accounts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from community.accounts.models import ApiToken, LoginLockout
from community.accounts.tokens import token_create
from community.core.api.throttles import PasswordResetRateThrottle
from tests.factories import TEST_PASSWORD, ImportedUserFactory, UnverifiedUserFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "a-brand-new-passphrase-77"


def reset_link(mail) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def ask_reset(client: Client, email: str, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def set_new_password(client: Client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(link)
    assert form_page.status_code == 302  # the token leaves the address bar before the form shows
    set_url = form_page.url
    assert client.get(set_url).status_code == 200
    return client.post(set_url, {"new_password1": password, "new_password2": password})


def login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_login_page_offers_a_forgotten_password_link(client):
    page = client.get(reverse("accounts:login"))
    assert b"Forgot your password?" in page.content
    assert f'href="{RESET_URL}"'.encode() in page.content


def test_a_member_resets_a_forgotten_password_by_mail_and_logs_in_with_it(client, mailoutbox):
    member = UserFactory(email="ann@example.org")
    asked = ask_reset(client, "ANN@example.org")
    assert asked.status_code == 302 and asked.url == reverse("accounts:password_reset_done")
    assert b"Check your email" in client.get(asked.url).content

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ann@example.org"] and "password" in mail.subject.lower()
    assert "within 60 minutes" in mail.body

    done = set_new_password(client, reset_link(mail))
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert b"Your password was changed" in client.get(done.url).content

    fresh = Client()
    assert login(fresh, member.username, TEST_PASSWORD).status_code == 200  # the old one no longer works
    logged_in = login(fresh, member.username, NEW_PASSWORD)
    assert logged_in.status_code == 302
    assert fresh.get(reverse("accounts:settings")).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    UserFactory(email="known@example.org")
    known = ask_reset(client, "known@example.org")
    unknown = ask_reset(Client(), "nobody@example.org")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert client.get(known.url).content == Client().get(unknown.url).content
    assert [m.to for m in mailoutbox] == [["known@example.org"]]


def test_imported_accounts_that_cannot_log_in_get_no_mail(client, mailoutbox):
    ImportedUserFactory(email="rater@example.org")
    inactive = UserFactory(email="gone@example.org", is_active=False)
    for address in ("rater@example.org", inactive.email):
        answer = ask_reset(client, address)
        assert answer.status_code == 302 and answer.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_a_used_link_says_it_no_longer_works(client, mailoutbox):
    UserFactory(email="ann@example.org")
    ask_reset(client, "ann@example.org")
    link = reset_link(mailoutbox[0])
    assert set_new_password(client, link).status_code == 302

    again = Client().get(link)
    assert again.status_code == 400
    assert b"expired or was already used" in again.content
    assert b"Ask for a new link" in again.content


def test_an_expired_link_says_it_no_longer_works(client, mailoutbox, monkeypatch, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    UserFactory(email="ann@example.org")
    ask_reset(client, "ann@example.org")
    link = reset_link(mailoutbox[0])
    later = datetime.now() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    page = client.get(link)
    assert page.status_code == 400
    assert b"expired or was already used" in page.content


def test_a_reset_revokes_tokens_clears_the_lockout_and_signs_out_other_sessions(client, mailoutbox, settings):
    member = UserFactory(email="ann@example.org")
    token_create(user=member, name="script")
    elsewhere = Client()
    elsewhere.force_login(member)
    for n in range(settings.LOGIN_LOCKOUT_FAILURES):
        login(Client(REMOTE_ADDR=f"198.51.100.{n}"), member.username, f"wrong-{n}")
    assert LoginLockout.objects.filter(username_key=member.username.lower()).exists()

    ask_reset(client, "ann@example.org")
    set_new_password(client, reset_link(mailoutbox[0]))

    assert not ApiToken.objects.filter(user=member).exists()
    assert not LoginLockout.objects.filter(username_key=member.username.lower()).exists()
    assert elsewhere.get(reverse("accounts:settings")).status_code == 302  # back to the login page
    assert login(Client(), member.username, NEW_PASSWORD).status_code == 302


def test_the_new_password_must_follow_the_password_rules(client, mailoutbox):
    UserFactory(email="ann@example.org")
    ask_reset(client, "ann@example.org")
    refused = set_new_password(client, reset_link(mailoutbox[0]), password="12345678")
    assert refused.status_code == 200
    assert refused.context["form"].errors["new_password2"]


def test_a_reset_link_verifies_the_address_it_was_mailed_to(client, mailoutbox):
    member = UnverifiedUserFactory(email="ann@example.org")
    ask_reset(client, "ann@example.org")
    set_new_password(client, reset_link(mailoutbox[0]))
    member.refresh_from_db()
    assert member.email_verified_at is not None


def test_reset_requests_are_limited_per_client_address_whatever_address_is_typed(client, mailoutbox):
    limit = PasswordResetRateThrottle().num_requests
    members = [UserFactory() for _ in range(limit + 2)]
    statuses = [
        ask_reset(client, m.email, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n, m in enumerate(members)
    ]
    assert statuses == [302] * limit + [429, 429]
    assert len(mailoutbox) == limit
    refused = ask_reset(client, members[0].email)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert b"Too many requests from your network" in refused.content
    assert ask_reset(Client(REMOTE_ADDR="198.51.100.7"), members[-1].email).status_code == 302


def test_email_url_configures_smtp_and_the_console_is_the_default():
    from community.settings import email_settings

    assert email_settings("")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings("smtp://mailer:p%40ss%2Fword@mail.example.org:587/?tls=1")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"], smtp["EMAIL_USE_SSL"]) == (
        "mail.example.org",
        587,
        True,
        False,
    )
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss/word")
    assert email_settings("smtps://mail.example.org")["EMAIL_PORT"] == 465
    with pytest.raises(ImproperlyConfigured):
        email_settings("http://mail.example.org")
