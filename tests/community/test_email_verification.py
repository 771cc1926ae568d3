"""Issue 13, "Expected and missing": new accounts verify their address by a mailed link, a
changed address is used only once the new one is verified, and unverified accounts post only
a few reviews, threads and replies a day."""

from __future__ import annotations

import re
import time
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from community.accounts import verification
from community.accounts.models import User
from community.discussions import services as discussions
from community.reviews import services as reviews
from tests.factories import (
    ImportedUserFactory,
    MovieFactory,
    ThreadFactory,
    UnverifiedUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newbie",
    "email": "newbie@example.org",
    "password": "correct-horse-9",
    "password_confirm": "correct-horse-9",
}


def verify_link(mail) -> str:
    match = re.search(r"http://testserver(/accounts/email/verify/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def settings_form(user: User, **changes) -> dict:
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "bio": user.bio}
    return {**data, **changes}


def test_signing_up_mails_a_link_that_verifies_the_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert not user.email_verified
    assert [m.to for m in mailoutbox] == [["newbie@example.org"]]
    assert "Verify" in mailoutbox[0].subject

    followed = client.get(verify_link(mailoutbox[0]), follow=True)
    assert b"newbie@example.org is verified" in followed.content
    user.refresh_from_db()
    assert user.email_verified and user.email_verified_at is not None


def test_a_signup_without_an_address_sends_no_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "email": ""})
    assert mailoutbox == []
    assert not User.objects.get(username="newbie").email_verified


def test_a_verification_link_works_in_another_browser_and_twice_without_harm(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    link = verify_link(mailoutbox[0])
    assert b"is verified" in Client().get(link, follow=True).content
    assert b"was already verified" in Client().get(link, follow=True).content


def test_an_expired_verification_link_says_so(client, monkeypatch, settings):
    member = UnverifiedUserFactory()
    real_time = time.time
    with monkeypatch.context() as patched:
        patched.setattr(signing.time, "time", lambda: real_time() - settings.EMAIL_VERIFICATION_MAX_AGE - 60)
        token = verification.verification_token(user=member, email=member.email)
    client.force_login(member)
    page = client.get(reverse("accounts:email_verify", args=[token]), follow=True)
    assert b"This verification link has expired" in page.content
    member.refresh_from_db()
    assert not member.email_verified


def test_a_damaged_verification_link_says_it_is_not_valid(client):
    member = UnverifiedUserFactory()
    token = verification.verification_token(user=member, email=member.email)
    page = client.get(reverse("accounts:email_verify", args=[token[:-2] + "xx"]), follow=True)
    assert page.status_code == 200
    assert b"This verification link is not valid" in page.content
    member.refresh_from_db()
    assert not member.email_verified


def test_a_new_address_replaces_the_old_one_only_once_its_link_is_followed(
    member_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    old = user.email
    with django_capture_on_commit_callbacks(execute=True):
        saved = member_client.post(
            reverse("accounts:settings"), settings_form(user, email="new@example.org"), follow=True
        )
    assert b"your address changes once you follow it" in saved.content
    user.refresh_from_db()
    assert user.email == old and user.pending_email == "new@example.org"
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    assert b"Waiting to replace it" in saved.content

    # Mail still goes to the old address meanwhile: a reset asked for the new one sends nothing.
    Client().post(reverse("accounts:password_reset"), {"email": "new@example.org"})
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        followed = member_client.get(verify_link(mailoutbox[0]), follow=True)
    assert b"Your email address is now new@example.org" in followed.content
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("new@example.org", "")
    assert user.email_verified
    # The old address is told, in case the change was not the member's.
    assert mailoutbox[-1].to == [old] and "changed" in mailoutbox[-1].subject


def test_saving_the_profile_with_the_current_address_keeps_a_pending_change(member_client, user, mailoutbox):
    user.pending_email = "new@example.org"
    user.save()
    member_client.post(reverse("accounts:settings"), settings_form(user, bio="Hello"))
    user.refresh_from_db()
    assert user.bio == "Hello" and user.pending_email == "new@example.org"
    assert mailoutbox == []


def test_an_old_change_link_cannot_bring_back_an_address_the_member_moved_away_from(
    member_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("accounts:settings"), settings_form(user, email="first@example.org"))
        member_client.post(reverse("accounts:settings"), settings_form(user, email="second@example.org"))
    first_link, second_link = verify_link(mailoutbox[0]), verify_link(mailoutbox[1])
    stale = member_client.get(first_link, follow=True)
    assert b"for an address your account no longer uses" in stale.content
    user.refresh_from_db()
    assert user.pending_email == "second@example.org" and user.email != "first@example.org"

    member_client.get(second_link)
    user.refresh_from_db()
    assert user.email == "second@example.org"
    member_client.get(first_link)
    user.refresh_from_db()
    assert user.email == "second@example.org"


def test_cancelling_a_change_makes_its_link_stop_working(
    member_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    old = user.email
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("accounts:settings"), settings_form(user, email="new@example.org"))
    member_client.post(reverse("accounts:email_cancel"))
    member_client.get(verify_link(mailoutbox[0]))
    user.refresh_from_db()
    assert (user.email, user.pending_email) == (old, "")


def test_the_resend_button_mails_a_new_link(client, mailoutbox, django_capture_on_commit_callbacks):
    member = UnverifiedUserFactory()
    client.force_login(member)
    page = client.get(reverse("accounts:settings"))
    assert b"not verified yet" in page.content and b"Send the link again" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("accounts:email_resend"), follow=True)
    assert f"We sent a new link to {member.email}".encode() in answer.content
    assert [m.to for m in mailoutbox] == [[member.email]]
    client.get(verify_link(mailoutbox[0]))
    member.refresh_from_db()
    assert member.email_verified
    assert b"Send the link again" not in client.get(reverse("accounts:settings")).content


def test_the_settings_page_tells_members_without_an_address_what_it_means(client, settings):
    member = UnverifiedUserFactory(email="")
    client.force_login(member)
    page = client.get(reverse("accounts:settings"))
    assert b"Your account has no email address" in page.content
    assert f"only {settings.UNVERIFIED_DAILY_POSTS} reviews".encode() in page.content


def test_an_unverified_member_may_post_only_a_few_reviews_a_day(client, settings):
    member = UnverifiedUserFactory()
    client.force_login(member)
    movies = [MovieFactory() for _ in range(settings.UNVERIFIED_DAILY_POSTS + 1)]
    for movie in movies[:-1]:
        posted = client.post(
            reverse("reviews:create", args=[movie.slug]), {"body": "Worth a look on a rainy day."}
        )
        assert posted.status_code == 302
    refused = client.post(
        reverse("reviews:create", args=[movies[-1].slug]), {"body": "Worth a look on a rainy day."}
    )
    assert refused.status_code == 400
    assert b"Until your email address is verified you can post" in refused.content
    assert member.reviews.count() == settings.UNVERIFIED_DAILY_POSTS


def test_an_unverified_member_may_start_only_a_few_threads_and_replies_a_day(settings):
    member = UnverifiedUserFactory(email="")
    movie = MovieFactory()
    thread = ThreadFactory(movie=movie)
    for n in range(settings.UNVERIFIED_DAILY_POSTS):
        discussions.thread_create(
            user=member, movie=movie, title=f"Question {n}", body="What did the ending mean?"
        )
        discussions.reply_create(user=member, thread=thread, body="I think it was a dream.")
    with pytest.raises(ValidationError, match="Add an email address on your settings page"):
        discussions.thread_create(user=member, movie=movie, title="One more", body="And another thing.")
    with pytest.raises(ValidationError, match=f"post {settings.UNVERIFIED_DAILY_POSTS} replies a day"):
        discussions.reply_create(user=member, thread=thread, body="One more thought.")


def test_the_reply_limit_shows_on_the_thread_page(client, settings):
    member = UnverifiedUserFactory()
    thread = ThreadFactory()
    client.force_login(member)
    for _ in range(settings.UNVERIFIED_DAILY_POSTS):
        assert client.post(thread.get_absolute_url(), {"body": "Agreed, a fine film."}).status_code == 302
    refused = client.post(thread.get_absolute_url(), {"body": "Agreed, a fine film."})
    assert refused.status_code == 400
    assert b"Until your email address is verified you can post" in refused.content


def test_verified_imported_and_staff_accounts_post_without_the_limit(settings):
    settings.UNVERIFIED_DAILY_POSTS = 1
    for author in (UserFactory(), ImportedUserFactory(), UnverifiedUserFactory(is_staff=True)):
        for _ in range(3):
            reviews.review_post(user=author, movie=MovieFactory(), body="Solid, if a little long.")
        assert author.reviews.count() == 3


def test_accounts_made_before_verification_count_as_verified_if_they_have_an_address():
    with_address = UnverifiedUserFactory(email="old@example.org")
    without = UnverifiedUserFactory(email="")
    migration = import_module("community.accounts.migrations.0004_email_verification")
    migration.existing_accounts_count_as_verified(django_apps, None)
    with_address.refresh_from_db()
    without.refresh_from_db()
    assert with_address.email_verified_at == with_address.date_joined
    assert without.email_verified_at is None
