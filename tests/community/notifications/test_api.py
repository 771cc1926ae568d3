"""The notifications API: the member's own only, the same answer as the page, 400 with field
errors on bad input, 401 for visitors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community.accounts.tokens import token_create
from community.notifications.models import Notification, NotificationSettings
from community.reviews.services import review_like
from community.social.services import follow_create
from tests.factories import NotificationFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    _, key = token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(user) -> APIClient:
    return client_for(user)


def test_a_member_lists_their_own_notifications_newest_first(api, user):
    fan = UserFactory()
    review = ReviewFactory(user=user)
    follow_create(follower=fan, followee=user)
    review_like(review=review, user=fan)
    NotificationFactory()  # someone else's
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["verb"] == "review_liked" and first["text"] == "liked your review"
    assert first["actor"]["username"] == fan.username
    assert first["about"] == review.movie.title
    assert first["url"] == f"{review.movie.get_absolute_url()}#review-{review.pk}"
    assert first["unread"] is True and first["read_at"] is None
    assert body["results"][1]["verb"] == "followed"


def test_the_list_is_paginated_in_a_fixed_number_of_queries(api, user, django_assert_max_num_queries):
    NotificationFactory.create_batch(25, recipient=user)
    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 25 and len(body["results"]) == 20 and body["next"]
    assert len(api.get("/api/v1/notifications/?page=2").json()["results"]) == 5


def test_the_api_and_the_page_give_the_same_answer(api, user, client):
    fan = UserFactory()
    follow_create(follower=fan, followee=user)
    review_like(review=ReviewFactory(user=user), user=fan)
    hidden = ReviewFactory(user=user)
    review_like(review=hidden, user=UserFactory())
    from community.moderation.services import content_hide

    content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="Spam")
    NotificationFactory(recipient=user, read_at="2024-01-01T00:00:00Z")
    client.force_login(user)
    html = client.get(reverse("notifications:index")).content.decode()
    page_ids = [int(pk) for pk in re.findall(r'id="notification-(\d+)"', html)]
    api_ids = [n["id"] for n in api.get("/api/v1/notifications/").json()["results"]]
    assert page_ids == api_ids and len(api_ids) == 3
    unread = api.get("/api/v1/notifications/unread-count/").json()["unread"]
    assert unread == 2
    assert f'aria-label="Notifications, {unread} unread"' in html


def test_marking_some_read_then_all(api, user):
    a, b, c = NotificationFactory.create_batch(3, recipient=user)
    response = api.post("/api/v1/notifications/read/", {"ids": [a.pk, a.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 2}
    assert api.post("/api/v1/notifications/read/", {"ids": [a.pk]}, format="json").json()["marked"] == 0
    everything = api.post("/api/v1/notifications/read/", {"all": True}, format="json")
    assert everything.json() == {"marked": 2, "unread": 0}
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_another_members_notifications_can_be_neither_read_nor_marked(api, user):
    theirs = NotificationFactory()
    mine = NotificationFactory(recipient=user)
    assert [n["id"] for n in api.get("/api/v1/notifications/").json()["results"]] == [mine.pk]
    response = api.post("/api/v1/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["ids"] == [f"You have no notification with id {theirs.pk}."]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None  # nothing changes on a bad request
    client_for(theirs.recipient).post("/api/v1/notifications/read/", {"all": True}, format="json")
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": ["abc"]}, "ids"),
        ({"ids": [-1]}, "ids"),
        ({"ids": [2**70]}, "ids"),
        ({"ids": list(range(1, 102))}, "ids"),
        ({"all": "perhaps"}, "all"),
        ({"all": True, "ids": [1]}, "all"),
        ({"all": False}, "ids"),
    ],
)
def test_bad_input_answers_400_with_field_errors(api, payload, field):
    response = api.post("/api/v1/notifications/read/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/read/"),
        ("get", "/api/v1/notifications/settings/"),
        ("put", "/api/v1/notifications/settings/"),
    ],
)
def test_visitors_get_401(db, method, path):
    response = getattr(APIClient(), method)(path, {"all": True}, format="json")
    assert response.status_code == 401


def test_the_digest_choice_is_off_by_default_and_set_over_the_api(api, user):
    assert api.get("/api/v1/notifications/settings/").json() == {"email_digest": False}
    assert api.put("/api/v1/notifications/settings/", {"email_digest": True}, format="json").json() == {
        "email_digest": True
    }
    assert NotificationSettings.objects.get(user=user).email_digest is True
    response = api.put("/api/v1/notifications/settings/", {"email_digest": "maybe"}, format="json")
    assert response.status_code == 400 and "email_digest" in response.json()
    assert api.put("/api/v1/notifications/settings/", {}, format="json").status_code == 400


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("", "unread-count/", "read/", "settings/"):
        assert f"/api/v1/notifications/{path}" in schema["paths"]
    post = schema["paths"]["/api/v1/notifications/read/"]["post"]
    assert post["tags"] == ["notifications"] and "requestBody" in post
