import pytest

from community.social.models import Follow, WatchlistItem
from tests.factories import (
    FollowFactory,
    ImportedUserFactory,
    MovieFactory,
    UserFactory,
    WatchlistItemFactory,
)

pytestmark = pytest.mark.django_db


def test_a_member_adds_lists_and_removes_watchlist_movies(api, member, django_assert_max_num_queries):
    movie = MovieFactory(title="Heat")
    response = api.post("/api/v1/me/watchlist/", {"movie_id": movie.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["movie"]["title"] == "Heat"
    assert api.post("/api/v1/me/watchlist/", {"movie_id": movie.pk}, format="json").status_code == 201
    for _ in range(10):
        WatchlistItemFactory(user=member)
    WatchlistItemFactory()
    with django_assert_max_num_queries(4):
        listing = api.get("/api/v1/me/watchlist/").json()
    assert listing["count"] == 11
    assert api.delete(f"/api/v1/me/watchlist/{movie.pk}/").status_code == 204
    assert not WatchlistItem.objects.filter(user=member, movie=movie).exists()
    assert api.delete(f"/api/v1/me/watchlist/{movie.pk}/").status_code == 404


@pytest.mark.parametrize(
    "payload", [{}, {"movie_id": "abc"}, {"movie_id": -3}, {"movie_id": 2**70}, {"movie_id": 424242}]
)
def test_bad_watchlist_input_answers_400(api, payload):
    response = api.post("/api/v1/me/watchlist/", payload, format="json")
    assert response.status_code == 400
    assert "movie_id" in response.json()


def test_the_watchlist_is_private(anon):
    assert anon.get("/api/v1/me/watchlist/").status_code == 401
    assert anon.post("/api/v1/me/watchlist/", {"movie_id": 1}).status_code == 401


def test_a_member_follows_and_unfollows_another(api, member):
    alice = UserFactory(username="alice")
    response = api.post("/api/v1/me/following/", {"username": "alice"}, format="json")
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "alice"
    assert Follow.objects.filter(follower=member, followee=alice).exists()
    assert [f["user"]["username"] for f in api.get("/api/v1/me/following/").json()["results"]] == ["alice"]
    assert api.delete("/api/v1/me/following/alice/").status_code == 204
    assert api.delete("/api/v1/me/following/alice/").status_code == 404
    assert not Follow.objects.exists()


def test_following_oneself_or_unknown_users_answers_400(api, member):
    assert api.post("/api/v1/me/following/", {"username": member.username}, format="json").status_code == 400
    assert api.post("/api/v1/me/following/", {"username": "ghost"}, format="json").status_code == 400
    assert api.post("/api/v1/me/following/", {}, format="json").status_code == 400


def test_an_imported_rater_can_be_followed_and_unfollowed(api, member):
    imported = ImportedUserFactory()
    followed = api.post("/api/v1/me/following/", {"username": imported.username}, format="json")
    assert followed.status_code == 201
    assert Follow.objects.filter(follower=member, followee=imported).exists()
    assert api.delete(f"/api/v1/me/following/{imported.username}/").status_code == 204


def test_unfollowing_a_strange_name_answers_404(api):
    assert api.delete("/api/v1/me/following/%00bad/").status_code == 404


def test_followers_are_listed(api, member):
    FollowFactory(followee=member, follower=UserFactory(username="fan"))
    assert [f["user"]["username"] for f in api.get("/api/v1/me/followers/").json()["results"]] == ["fan"]


def test_follows_are_private(anon):
    assert anon.get("/api/v1/me/following/").status_code == 401
    assert anon.get("/api/v1/me/followers/").status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/me/following/", "/api/v1/me/followers/", "/api/v1/me/feed/"])
def test_follow_lists_and_the_feed_need_a_fixed_number_of_queries(
    api, member, url, django_assert_max_num_queries
):
    from tests.factories import RatingFactory, ReviewFactory

    for _ in range(8):
        someone = UserFactory()
        FollowFactory(follower=member, followee=someone)
        FollowFactory(follower=someone, followee=member)
        RatingFactory(user=someone)
        ReviewFactory(user=someone)
    with django_assert_max_num_queries(5):
        response = api.get(url)
    assert response.json()["count"] >= 8
