"""/api/v1/users/<name>/tags/ and /api/v1/users/<name>/tags/<tag>/: a member's tag cloud and films
by tag, from the same selectors as /u/<name>/tags/ and /u/<name>/tags/<tag>/, so the pages and the
API count, list and hide the same rows for the same viewer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.accounts.models import Visibility
from community.moderation.services import content_hide
from tests.community.diary.factories import DiaryEntryFactory, TagFactory
from tests.factories import FollowFactory, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "stranger", "follower", "owner"]


def tagged_review(owner, *slugs, title: str = "", hidden: bool = False):
    review = ReviewFactory(user=owner, movie=MovieFactory(title=title or "Reviewed"))
    review.tags.set([TagFactory(slug=s) for s in slugs])
    if hidden:
        content_hide(staff=UserFactory(is_staff=True), target=review, reason="Spoilers")
    return review


@pytest.fixture
def diary():
    """A member whose tags sit on public, followers-only and private watches, and on reviews
    (one of them hidden by moderators), and one viewer of each kind."""
    owner, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=follower, followee=owner)
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="Heat"), tags=["noir", "crime"])
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="Laura"), tags=["noir"])
    DiaryEntryFactory(user=owner, tags=["noir", "cosy"], visibility=Visibility.FOLLOWERS)
    DiaryEntryFactory(
        user=owner, movie=MovieFactory(title="Diaries"), tags=["secret"], visibility=Visibility.ONLY_ME
    )
    tagged_review(owner, "noir", "synth", title="Thief")
    tagged_review(owner, "banned", "noir", title="Banned", hidden=True)
    return {"owner": owner, "follower": follower, "stranger": stranger}


def as_viewer(client, diary, who: str):
    if who != "anonymous":
        client.force_login(diary[who])
    return client


def api_cloud(client, owner) -> list[tuple[str, int]]:
    response = client.get(f"/api/v1/users/{owner.username}/tags/")
    assert response.status_code == 200
    return [(t["slug"], t["count"]) for t in response.json()]


def page_cloud(client, owner) -> list[tuple[str, int]]:
    response = client.get(reverse("diary:tags", args=[owner.username]))
    assert response.status_code == 200
    return [(t["slug"], t["uses"]) for t in response.context["tags"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", [("noir", 3), ("crime", 1), ("synth", 1)]),
        ("stranger", [("noir", 3), ("crime", 1), ("synth", 1)]),
        ("follower", [("noir", 4), ("cosy", 1), ("crime", 1), ("synth", 1)]),
        ("owner", [("noir", 5), ("banned", 1), ("cosy", 1), ("crime", 1), ("secret", 1), ("synth", 1)]),
    ],
)
def test_the_api_cloud_counts_and_orders_tags_as_the_page_does_for_each_viewer(client, diary, who, expected):
    client = as_viewer(client, diary, who)
    assert api_cloud(client, diary["owner"]) == page_cloud(client, diary["owner"]) == expected


def test_each_tag_in_the_cloud_names_itself_and_links_to_its_films(client, diary):
    owner = diary["owner"]
    tags = client.get(f"/api/v1/users/{owner.username}/tags/").json()
    noir = tags[0]
    assert noir == {
        "name": "noir",
        "slug": "noir",
        "count": 3,
        "url": f"http://testserver/api/v1/users/{owner.username}/tags/noir/",
    }
    films = client.get(noir["url"])
    assert films.status_code == 200
    assert films.json()["count"] + len(films.json()["reviews"]) == noir["count"]


def test_a_private_entrys_tag_is_hidden_from_a_stranger_but_shown_to_its_owner(client, diary):
    owner = diary["owner"]
    url = f"/api/v1/users/{owner.username}/tags/secret/"
    client.force_login(diary["stranger"])
    assert "secret" not in dict(api_cloud(client, owner))
    assert client.get(url).status_code == 404
    assert client.get(reverse("diary:tag", args=[owner.username, "secret"])).status_code == 404
    client.force_login(owner)
    assert dict(api_cloud(client, owner))["secret"] == 1
    films = client.get(url).json()
    assert [e["movie"]["title"] for e in films["results"]] == ["Diaries"]
    assert films["results"][0]["visibility"] == Visibility.ONLY_ME


def test_a_hidden_reviews_tag_shows_only_to_its_author_and_says_it_is_hidden(client, diary):
    owner = diary["owner"]
    assert client.get(f"/api/v1/users/{owner.username}/tags/banned/").status_code == 404
    client.force_login(owner)
    films = client.get(f"/api/v1/users/{owner.username}/tags/banned/").json()
    assert films["results"] == []
    assert [(r["movie"]["title"], r["hidden"]) for r in films["reviews"]] == [("Banned", True)]


@pytest.mark.parametrize("who", VIEWERS)
def test_the_api_lists_the_same_watches_and_reviews_as_the_page_for_each_viewer(client, diary, who):
    client = as_viewer(client, diary, who)
    owner = diary["owner"]
    page = client.get(reverse("diary:tag", args=[owner.username, "noir"]))
    api = client.get(f"/api/v1/users/{owner.username}/tags/noir/").json()
    assert [e["id"] for e in api["results"]] == [e.pk for e in page.context["page"].object_list]
    assert [r["id"] for r in api["reviews"]] == [r.pk for r in page.context["reviews"]]
    assert api["tag"] == "noir"
    assert api["count"] == {"anonymous": 2, "stranger": 2, "follower": 3, "owner": 3}[who]
    assert len(api["reviews"]) == (2 if who == "owner" else 1)


def test_the_films_with_a_tag_are_paginated_like_the_other_lists(client):
    owner = UserFactory()
    for _ in range(25):
        DiaryEntryFactory(user=owner, tags=["long"])
    tagged_review(owner, "long", title="Thief")
    url = f"/api/v1/users/{owner.username}/tags/long/"
    first = client.get(url).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (5, None)
    assert {e["id"] for e in first["results"]}.isdisjoint(e["id"] for e in second["results"])
    assert [r["movie"]["title"] for r in second["reviews"]] == ["Thief"]
    assert len(client.get(url, {"page_size": 10}).json()["results"]) == 10
    assert client.get(url, {"page": 9}).status_code == 404


def test_an_unknown_member_or_tag_answers_404_on_the_page_and_in_the_api(client, diary):
    owner = diary["owner"]
    DiaryEntryFactory(user=UserFactory(), tags=["elsewhere"])  # a tag, but not this member's
    for username, tag in [
        ("nobody-here", "noir"),
        (owner.username, "never-used"),
        (owner.username, "elsewhere"),
    ]:
        assert client.get(f"/api/v1/users/{username}/tags/{tag}/").status_code == 404
        assert client.get(reverse("diary:tag", args=[username, tag])).status_code == 404
    assert client.get("/api/v1/users/nobody-here/tags/").status_code == 404
    assert client.get(reverse("diary:tags", args=["nobody-here"])).status_code == 404


def test_a_member_without_tags_has_an_empty_cloud(client):
    owner = UserFactory()
    DiaryEntryFactory(user=owner)
    assert client.get(f"/api/v1/users/{owner.username}/tags/").json() == []


def test_the_tag_apis_query_count_does_not_grow_with_the_tags_or_films(
    client, diary, django_assert_max_num_queries
):
    owner = diary["owner"]
    for n in range(30):
        DiaryEntryFactory(user=owner, tags=["noir", f"extra-{n}"])
        tagged_review(owner, "noir", f"more-{n}")
    client.force_login(diary["follower"])
    with django_assert_max_num_queries(6):
        assert len(client.get(f"/api/v1/users/{owner.username}/tags/").json()) > 60
    with django_assert_max_num_queries(10):
        films = client.get(f"/api/v1/users/{owner.username}/tags/noir/").json()
    assert len(films["results"]) == 20 and len(films["reviews"]) == 31
