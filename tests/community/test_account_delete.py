"""Deleting an account removes the member's own data and never anyone else's words."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from community.accounts.services import account_delete
from community.discussions.models import Reply, Thread
from tests.factories import TEST_PASSWORD, ReplyFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def _logged_in_client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_deleting_an_account_keeps_other_members_replies_in_its_threads_as_by_deleted_member(client):
    starter, replier = UserFactory(username="starter"), UserFactory(username="replier")
    thread = ThreadFactory(author=starter, title="Is Heat too long?", reply_count=2)
    ReplyFactory(thread=thread, author=replier, body="Not a minute too long.")
    ReplyFactory(thread=thread, author=starter, body="I think it drags.")

    account_delete(user=starter)

    thread.refresh_from_db()
    assert thread.author is None and thread.reply_count == 1
    assert list(Reply.objects.filter(thread=thread).values_list("body", flat=True)) == [
        "Not a minute too long."
    ]
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "deleted member" in html and "Not a minute too long." in html and "I think it drags." not in html
    # nobody (an anonymous visitor least of all) may edit the orphaned thread
    assert reverse("discussions:thread_edit", kwargs={"pk": thread.pk}) not in html
    listing = client.get(reverse("discussions:movie", kwargs={"slug": thread.movie.slug}))
    assert "by deleted member" in listing.content.decode()
    api = APIClient().get(f"/api/v1/threads/{thread.pk}/").json()
    assert api["author"] == {"id": None, "username": None, "display_name": "deleted member"}
    replies = APIClient().get(f"/api/v1/threads/{thread.pk}/replies/").json()
    assert [r["author"]["username"] for r in replies["results"]] == ["replier"]


def test_a_thread_without_author_can_be_changed_by_nobody():
    thread = ThreadFactory()
    account_delete(user=thread.author)
    someone = UserFactory()
    edit = _logged_in_client(someone).post(
        reverse("discussions:thread_edit", kwargs={"pk": thread.pk}), {"title": "Mine now", "body": "x"}
    )
    assert edit.status_code == 403
    thread.refresh_from_db()
    assert thread.title != "Mine now" and Thread.objects.filter(pk=thread.pk).exists()


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
)
def test_deleting_an_account_ends_every_session_of_the_member(settings, engine):
    settings.SESSION_ENGINE = engine
    member, bystander = UserFactory(), UserFactory()
    laptop, phone, other = _logged_in_client(member), _logged_in_client(member), _logged_in_client(bystander)
    keys = [laptop.session.session_key, phone.session.session_key]
    store_class = import_module(engine).SessionStore

    response = laptop.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert not Session.objects.filter(session_key__in=keys).exists()
    for key in keys:
        assert not store_class().exists(key)
        if engine.endswith("cached_db"):
            assert cache.get(store_class.cache_key_prefix + key) is None
    assert "_auth_user_id" not in phone.session
    # someone else's session is untouched
    assert other.get(reverse("accounts:settings")).status_code == 200


def test_deleting_an_account_through_the_api_revokes_its_api_tokens():
    member = UserFactory()
    issued = APIClient().post(
        "/api/v1/auth/token/", {"username": member.username, "password": TEST_PASSWORD}, format="json"
    )
    assert issued.status_code in (200, 201)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200

    assert api.post("/api/v1/me/delete/", {"password": TEST_PASSWORD}, format="json").status_code == 204

    assert api.get("/api/v1/me/").status_code == 401
