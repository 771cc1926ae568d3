"""Issue 13, weakness 7: API tokens hashed, named, listed, revoked, expired, revoked with the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community.accounts.models import ApiToken
from community.accounts.tokens import TOKENS_PER_MEMBER, token_create
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


def authed(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_database_keeps_only_a_hash_of_the_key(member):
    key = (
        APIClient()
        .post(
            TOKEN_URL,
            {"username": member.username, "password": TEST_PASSWORD, "name": "script"},
            format="json",
        )
        .json()["token"]
    )
    row = ApiToken.objects.get(user=member)
    stored = " ".join(str(value) for value in ApiToken.objects.filter(pk=row.pk).values().first().values())
    assert key not in stored
    assert row.name == "script" and key.startswith(row.prefix)
    assert authed(key).get("/api/v1/me/").status_code == 200


def test_each_login_makes_a_new_named_token_and_the_list_never_shows_keys(member):
    anon = APIClient()
    first = anon.post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD, "name": "laptop"})
    second = anon.post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD, "name": "phone"})
    assert first.json()["token"] != second.json()["token"]
    listed = authed(first.json()["token"]).get("/api/v1/me/tokens/")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["phone", "laptop"]
    assert all("token" not in t and "key_hash" not in t for t in listed.json())
    assert listed.json()[1]["last_used_at"] is not None  # the listing request used it


def test_a_member_revokes_one_token_and_the_others_keep_working(member):
    _, keep = token_create(user=member, name="keep")
    gone, gone_key = token_create(user=member, name="gone")
    assert authed(keep).delete(f"/api/v1/me/tokens/{gone.pk}/").status_code == 204
    assert authed(gone_key).get("/api/v1/me/").status_code == 401
    assert authed(keep).get("/api/v1/me/").status_code == 200


def test_nobody_revokes_another_members_token(member, other):
    theirs, their_key = token_create(user=other)
    _, mine = token_create(user=member)
    assert authed(mine).delete(f"/api/v1/me/tokens/{theirs.pk}/").status_code == 404
    assert authed(their_key).get("/api/v1/me/").status_code == 200


def test_a_token_unused_for_the_idle_limit_stops_working(member, settings):
    token, key = token_create(user=member)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(days=91))
    response = authed(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_in_use_keeps_working_past_the_idle_limit_from_its_creation(member):
    token, key = token_create(user=member)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=200), last_used_at=timezone.now() - timedelta(days=10)
    )
    assert authed(key).get("/api/v1/me/").status_code == 200


def test_changing_the_password_through_the_api_revokes_every_token(member):
    _, one = token_create(user=member, name="one")
    _, two = token_create(user=member, name="two")
    response = authed(one).post(
        "/api/v1/me/password/", {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204
    assert authed(one).get("/api/v1/me/").status_code == 401
    assert authed(two).get("/api/v1/me/").status_code == 401


def test_changing_the_password_on_the_website_revokes_every_token(client, member):
    _, key = token_create(user=member)
    client.force_login(member)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert authed(key).get("/api/v1/me/").status_code == 401


def test_there_is_a_limit_on_tokens_per_member_with_a_clear_error(member):
    for n in range(TOKENS_PER_MEMBER):
        token_create(user=member, name=f"t{n}")
    response = APIClient().post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Revoke one" in response.json()["name"][0]


def test_deleting_with_a_session_asks_for_the_token_to_revoke(client, member):
    token_create(user=member)
    api = APIClient()
    api.force_login(member)
    response = api.delete(TOKEN_URL)
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=member).count() == 1


def test_the_website_lists_makes_and_revokes_tokens(client, member):
    client.force_login(member)
    url = reverse("accounts:tokens")
    empty = client.get(url)
    assert empty.status_code == 200 and "You have no API tokens." in empty.content.decode()
    made = client.post(url, {"name": "my <script>"})
    page = made.content.decode()
    token = ApiToken.objects.get(user=member)
    assert made["Cache-Control"] == "no-store"
    assert "Copy it now" in page and "my &lt;script&gt;" in page
    key = page.split('class="token-key">')[1].split("<")[0]
    assert authed(key).get("/api/v1/me/").status_code == 200
    assert "Copy it now" not in client.get(url).content.decode()
    revoked = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "was revoked" in revoked.content.decode()
    assert authed(key).get("/api/v1/me/").status_code == 401


def test_a_blank_token_name_on_the_website_is_an_inline_error(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:tokens"), {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.fixture
def other(db):
    return UserFactory()
