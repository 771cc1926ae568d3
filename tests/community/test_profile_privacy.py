"""Members choose who sees their taste profile, ratings and watchlist; pages and API agree."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community.accounts.models import User, Visibility
from recommender.models import TasteProfile
from tests.factories import FollowFactory, MovieFactory, RatingFactory, UserFactory, WatchlistItemFactory

pytestmark = pytest.mark.django_db

SUMMARY = "Drawn to slow-burn heist films with morally grey leads."


@pytest.fixture
def owner() -> User:
    person = UserFactory(username="alice")
    TasteProfile.objects.create(user=person, summary=SUMMARY, preferences={}, updated_at=timezone.now())
    RatingFactory(user=person, movie=MovieFactory(title="Thief"), score="4.5")
    WatchlistItemFactory(user=person, movie=MovieFactory(title="Ronin"))
    return person


@pytest.fixture
def follower(owner) -> User:
    person = UserFactory(username="bob")
    FollowFactory(follower=person, followee=owner)
    return person


@pytest.fixture
def stranger(db) -> User:
    return UserFactory(username="carol")


def page_client(viewer: User | None) -> Client:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


def api_client(viewer: User | None) -> APIClient:
    client = APIClient()
    if viewer is not None:
        client.force_authenticate(viewer)
    return client


def profile_page(viewer: User | None, owner: User) -> str:
    response = page_client(viewer).get(reverse("accounts:profile", kwargs={"username": owner.username}))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_do_not_see_a_members_taste_summary_by_default(client, owner):
    assert owner.taste_visibility == Visibility.ONLY_ME
    html = profile_page(None, owner)
    assert SUMMARY not in html
    assert "keeps their taste profile private" in html


def test_a_member_sees_their_own_private_taste_summary_on_their_profile(owner):
    assert SUMMARY in profile_page(owner, owner)


def viewers(owner, follower, stranger) -> dict[str, User | None]:
    return {"anonymous": None, "stranger": stranger, "follower": follower, "owner": owner}


EXPECTED = {
    Visibility.PUBLIC: {"anonymous", "stranger", "follower", "owner"},
    Visibility.FOLLOWERS: {"follower", "owner"},
    Visibility.ONLY_ME: {"owner"},
}


@pytest.mark.parametrize("choice", list(Visibility))
def test_the_taste_summary_shows_to_exactly_the_chosen_audience_on_the_page_and_in_the_api(
    owner, follower, stranger, choice
):
    User.objects.filter(pk=owner.pk).update(taste_visibility=choice)
    for name, viewer in viewers(owner, follower, stranger).items():
        on_page = SUMMARY in profile_page(viewer, owner)
        response = api_client(viewer).get(f"/api/v1/users/{owner.username}/taste-profile/")
        in_api = response.status_code == 200 and response.json()["summary"] == SUMMARY
        assert response.status_code in (200, 403)
        assert on_page == in_api == (name in EXPECTED[choice]), (choice, name)


@pytest.mark.parametrize("choice", list(Visibility))
def test_ratings_show_to_exactly_the_chosen_audience_on_the_page_and_in_the_api(
    owner, follower, stranger, choice
):
    User.objects.filter(pk=owner.pk).update(ratings_visibility=choice)
    for name, viewer in viewers(owner, follower, stranger).items():
        on_page = "Thief" in profile_page(viewer, owner)
        response = api_client(viewer).get(f"/api/v1/users/{owner.username}/ratings/")
        in_api = response.status_code == 200 and [
            r["movie"]["title"] for r in response.json()["results"]
        ] == ["Thief"]
        assert response.status_code in (200, 403)
        assert on_page == in_api == (name in EXPECTED[choice]), (choice, name)


@pytest.mark.parametrize("choice", list(Visibility))
def test_the_watchlist_shows_to_exactly_the_chosen_audience_on_the_page_and_in_the_api(
    owner, follower, stranger, choice
):
    User.objects.filter(pk=owner.pk).update(watchlist_visibility=choice)
    for name, viewer in viewers(owner, follower, stranger).items():
        on_page = "Ronin" in profile_page(viewer, owner)
        response = api_client(viewer).get(f"/api/v1/users/{owner.username}/watchlist/")
        in_api = response.status_code == 200 and [
            r["movie"]["title"] for r in response.json()["results"]
        ] == ["Ronin"]
        assert response.status_code in (200, 403)
        assert on_page == in_api == (name in EXPECTED[choice]), (choice, name)


def test_new_members_share_ratings_publicly_and_keep_taste_and_watchlist_to_themselves(db):
    person = UserFactory()
    assert (person.taste_visibility, person.ratings_visibility, person.watchlist_visibility) == (
        Visibility.ONLY_ME,
        Visibility.PUBLIC,
        Visibility.ONLY_ME,
    )


def test_hidden_ratings_also_hide_the_histogram_and_average(client, owner):
    User.objects.filter(pk=owner.pk).update(ratings_visibility=Visibility.ONLY_ME)
    response = client.get(reverse("accounts:profile", kwargs={"username": owner.username}))
    html = response.content.decode()
    assert "Rating histogram" not in html and "4.50" not in html
    assert "keeps their ratings private" in html


def test_the_recommender_taste_tag_asks_the_visibility_rule_itself(owner, stranger):
    # Even a template that forgets to check: the tag renders nothing for a viewer who may not see it.
    template = Template("{% load recommender %}{% taste_summary person %}")
    request = RequestFactory().get("/")
    request.user = stranger
    assert SUMMARY not in template.render(Context({"person": owner, "request": request}))
    request.user = owner
    assert SUMMARY in template.render(Context({"person": owner, "request": request}))


def test_the_settings_page_saves_the_three_privacy_choices(owner):
    client = page_client(owner)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert 'name="taste_visibility"' in page and "<legend>" in page
    response = client.post(
        reverse("accounts:privacy"),
        {"taste_visibility": "followers", "ratings_visibility": "only_me", "watchlist_visibility": "public"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.taste_visibility, owner.ratings_visibility, owner.watchlist_visibility) == (
        "followers",
        "only_me",
        "public",
    )


def test_an_unknown_privacy_choice_is_refused_inline_and_nothing_changes(owner):
    response = page_client(owner).post(
        reverse("accounts:privacy"),
        {
            "taste_visibility": "everyone\x00",
            "ratings_visibility": "only_me",
            "watchlist_visibility": "public",
        },
    )
    assert response.status_code == 400
    assert "taste_visibility" in response.context["privacy_form"].errors
    assert 'class="field-error"' in response.content.decode()
    owner.refresh_from_db()
    assert owner.ratings_visibility == Visibility.PUBLIC


def test_the_api_reads_and_changes_the_privacy_choices_on_me(owner):
    api = api_client(owner)
    assert api.get("/api/v1/me/").json()["privacy"] == {
        "taste_visibility": "only_me",
        "ratings_visibility": "public",
        "watchlist_visibility": "only_me",
    }
    response = api.patch("/api/v1/me/", {"privacy": {"watchlist_visibility": "followers"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["privacy"]["watchlist_visibility"] == "followers"
    owner.refresh_from_db()
    assert owner.watchlist_visibility == "followers" and owner.taste_visibility == "only_me"


def test_the_api_refuses_an_unknown_privacy_choice_with_a_field_error(owner):
    response = api_client(owner).patch(
        "/api/v1/me/", {"privacy": {"taste_visibility": "world"}}, format="json"
    )
    assert response.status_code == 400
    assert "taste_visibility" in response.json()["privacy"]


def test_the_data_export_includes_the_privacy_choices(owner):
    response = page_client(owner).post(reverse("accounts:export"))
    data = json.loads(response.content)
    assert data["privacy"] == {"taste_profile": "only_me", "ratings": "public", "watchlist": "only_me"}
