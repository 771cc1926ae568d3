"""Issue 13: the API side of email verification (sign-up link, changing the address through
PATCH /api/v1/me/, a new link on request, the daily limit of unverified accounts)."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from community.accounts.models import User
from tests.api.conftest import client_for
from tests.factories import TEST_PASSWORD, MovieFactory, ThreadFactory, UnverifiedUserFactory

pytestmark = pytest.mark.django_db


def verify_path(mail) -> str:
    match = re.search(r"http://testserver(/accounts/email/verify/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_api_signup_mails_a_verification_link(anon, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(
            "/api/v1/auth/signup/",
            {"username": "newcomer", "password": TEST_PASSWORD, "email": "new@example.org"},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["email_verified"] is False
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    APIClient().get(verify_path(mailoutbox[0]))
    assert User.objects.get(username="newcomer").email_verified


def test_patching_the_email_keeps_the_old_one_until_the_new_one_is_verified(
    api, member, mailoutbox, django_capture_on_commit_callbacks
):
    old = member.email
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch("/api/v1/me/", {"email": "moved@example.org", "bio": "Hi"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["pending_email"], body["bio"]) == (old, "moved@example.org", "Hi")
    assert [m.to for m in mailoutbox] == [["moved@example.org"]]

    APIClient().get(verify_path(mailoutbox[0]))
    me = api.get("/api/v1/me/").json()
    assert (me["email"], me["pending_email"], me["email_verified"]) == ("moved@example.org", None, True)


def test_patching_other_fields_leaves_a_pending_address_alone(api, member, mailoutbox):
    member.pending_email = "moved@example.org"
    member.save()
    assert api.patch("/api/v1/me/", {"bio": "Hi"}, format="json").status_code == 200
    member.refresh_from_db()
    assert member.pending_email == "moved@example.org" and mailoutbox == []


def test_a_bad_new_address_is_a_field_error(api):
    response = api.patch("/api/v1/me/", {"email": "not an address"}, format="json")
    assert response.status_code == 400 and "email" in response.json()


def test_an_unverified_member_asks_for_a_new_link(mailoutbox, django_capture_on_commit_callbacks):
    member = UnverifiedUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post("/api/v1/me/email/resend/")
    assert response.status_code == 200 and response.json() == {"sent_to": member.email}
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_a_verified_member_has_nothing_to_resend(api, mailoutbox):
    response = api.post("/api/v1/me/email/resend/")
    assert response.status_code == 200 and response.json() == {"sent_to": None}
    assert mailoutbox == []


def test_an_unverified_member_is_told_why_a_post_is_refused(settings):
    member = UnverifiedUserFactory()
    api = client_for(member)
    limit = settings.UNVERIFIED_DAILY_POSTS
    for _ in range(limit):
        movie = MovieFactory()
        assert (
            api.post(f"/api/v1/movies/{movie.pk}/reviews/", {"body": "Fine."}, format="json").status_code
            == 201
        )
    refused = api.post(f"/api/v1/movies/{MovieFactory().pk}/reviews/", {"body": "Fine."}, format="json")
    assert refused.status_code == 400
    (message,) = refused.json()["non_field_errors"]
    assert f"you can post {limit} reviews a day" in message

    thread = ThreadFactory()
    for _ in range(limit):
        assert (
            api.post(f"/api/v1/threads/{thread.pk}/replies/", {"body": "Yes."}, format="json").status_code
            == 201
        )
    refused = api.post(f"/api/v1/threads/{thread.pk}/replies/", {"body": "Yes."}, format="json")
    assert refused.status_code == 400 and "replies a day" in refused.json()["non_field_errors"][0]
