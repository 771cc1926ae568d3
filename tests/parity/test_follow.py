"""Following an account: the profile page's button and the API accept and refuse alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.accounts.models import User
from community.social.models import Follow
from tests.factories import ImportedUserFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def web_follow(web, follower, followee):
    url = reverse("social:follow", kwargs={"username": followee.username})
    return web(follower).post(url, {"action": "follow"}, **JSON)


def api_follow(api, follower, followee):
    return api(follower).post("/api/v1/me/following/", {"username": followee.username}, format="json")


@pytest.mark.parametrize(
    "followee",
    [
        lambda: UserFactory(),
        lambda: ImportedUserFactory(),
        lambda: ImportedUserFactory(kind=User.Kind.CRITIC),
    ],
    ids=["member", "movielens-rater", "critic"],
)
def test_any_active_account_can_be_followed_on_the_page_and_in_the_api(web, api, followee):
    target = followee()
    on_page, in_api = UserFactory(), UserFactory()
    page = web_follow(web, on_page, target)
    answer = api_follow(api, in_api, target)
    assert (page.status_code, page.json()["following"]) == (200, True)
    assert answer.status_code == 201
    assert Follow.objects.filter(followee=target).count() == 2


def test_following_oneself_is_refused_alike(web, api):
    on_page, in_api = UserFactory(), UserFactory()
    page = web_follow(web, on_page, on_page)
    answer = api_follow(api, in_api, in_api)
    assert (page.status_code, answer.status_code) == (400, 400)
    assert page.json()["error"] == "You cannot follow yourself."
    assert answer.json() == {"non_field_errors": ["You cannot follow yourself."]}
    assert not Follow.objects.exists()


def test_a_deactivated_account_cannot_be_followed_on_either_door(web, api):
    # The page names the account in its URL (404), the API in its body (400 on the field).
    gone = UserFactory(is_active=False)
    page = web_follow(web, UserFactory(), gone)
    answer = api_follow(api, UserFactory(), gone)
    assert page.status_code == 404
    assert (answer.status_code, answer.json()) == (400, {"username": ["No member with this username."]})
    assert not Follow.objects.exists()
