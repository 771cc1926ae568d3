import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.social import selectors, services
from community.social.models import Follow, WatchlistItem
from tests.factories import (
    FollowFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
    WatchlistItemFactory,
)

pytestmark = pytest.mark.django_db


def test_watchlist_add_and_remove_are_idempotent():
    user, movie = UserFactory(), MovieFactory()
    services.watchlist_add(user=user, movie=movie)
    services.watchlist_add(user=user, movie=movie)
    assert WatchlistItem.objects.count() == 1
    assert services.watchlist_remove(user=user, movie=movie) is True
    assert services.watchlist_remove(user=user, movie=movie) is False


def test_watchlist_through_the_pages(member_client, user):
    movie = MovieFactory(title="Later")
    url = reverse("social:watchlist_toggle", kwargs={"slug": movie.slug})
    member_client.post(url, {"action": "add"})
    page = member_client.get(reverse("social:watchlist"))
    assert [i.movie.title for i in page.context["page"].object_list] == ["Later"]
    member_client.post(url, {"action": "remove"})
    assert b"Your watchlist is empty" in member_client.get(reverse("social:watchlist")).content


def test_watchlist_query_count_is_bounded(member_client, user, django_assert_max_num_queries):
    for _ in range(24):
        WatchlistItemFactory(user=user)
    with django_assert_max_num_queries(8):  # 7, and the navigation's unread notifications count
        member_client.get(reverse("social:watchlist"))


def test_following_and_unfollowing(member_client, user):
    other = UserFactory(username="maya")
    url = reverse("social:follow", kwargs={"username": "maya"})
    member_client.post(url, {"action": "follow"})
    member_client.post(url, {"action": "follow"})
    assert Follow.objects.filter(follower=user, followee=other).count() == 1
    response = member_client.post(url, {"action": "unfollow"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"following": False, "followers": 0}


def test_nobody_can_follow_themselves(member_client, user):
    with pytest.raises(ValidationError):
        services.follow_create(follower=user, followee=user)
    member_client.post(reverse("social:follow", kwargs={"username": user.username}), {"action": "follow"})
    assert not Follow.objects.exists()


def test_following_an_unknown_user_is_404(member_client):
    assert member_client.post(reverse("social:follow", kwargs={"username": "ghost"})).status_code == 404


def test_the_feed_shows_what_followed_people_rated_and_reviewed(member_client, user):
    friend, stranger = UserFactory(), UserFactory()
    FollowFactory(follower=user, followee=friend)
    reviewed = ReviewFactory(user=friend, body="Friend's review")
    RatingFactory(user=friend, movie=reviewed.movie, score="4.5")
    rated = RatingFactory(user=friend, score="2.0")
    ReviewFactory(user=stranger, body="Stranger's review")
    items = selectors.feed_items(user=user)
    assert [(i.kind, i.movie.pk, i.score) for i in sorted(items, key=lambda i: i.kind)] == [
        ("rating", rated.movie.pk, 2.0),
        ("review", reviewed.movie.pk, 4.5),
    ]
    page = member_client.get(reverse("social:feed"))
    assert b"Friend&#x27;s review" in page.content and b"Stranger" not in page.content


def test_an_empty_feed_explains_how_to_fill_it(member_client):
    assert b"You do not follow anyone yet" in member_client.get(reverse("social:feed")).content


def test_feed_query_count_does_not_grow_with_followed_people(
    member_client, user, django_assert_max_num_queries
):
    for _ in range(10):
        friend = UserFactory()
        FollowFactory(follower=user, followee=friend)
        ReviewFactory(user=friend)
        RatingFactory(user=friend)
    with django_assert_max_num_queries(7):
        member_client.get(reverse("social:feed"))
