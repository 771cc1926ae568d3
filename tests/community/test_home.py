import pytest
from django.urls import reverse

from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_popular_well_rated_and_recent_reviews(client):
    MovieFactory(title="Popular one", rating_count=300, rating_average=3.1)
    MovieFactory(title="Loved one", rating_count=60, rating_average=4.8)
    ReviewFactory(body="Recent words")
    response = client.get(reverse("home"))
    assert [m.title for m in response.context["popular"]][:2] == ["Popular one", "Loved one"]
    assert response.context["well_rated"][0].title == "Loved one"
    assert b"Recent words" in response.content


def test_members_get_popular_movies_in_their_favourite_genres_until_recommendations_exist(
    member_client, user
):
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    user.favourite_genres.set([drama])
    MovieFactory(title="Drama hit", genres=[drama], rating_count=50)
    MovieFactory(title="Comedy hit", genres=[comedy], rating_count=500)
    seen = MovieFactory(title="Seen drama", genres=[drama], rating_count=900)
    RatingFactory(user=user, movie=seen)
    response = member_client.get(reverse("home"))
    assert [m.title for m in response.context["for_you"]] == ["Drama hit"]
    assert b"Drama hit" in response.content  # shown in the recommendations slot while it is empty
    assert b"Rate movies" in response.content  # not onboarded yet


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(15):
        ReviewFactory(movie=MovieFactory(rating_count=80, rating_average=4.0))
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))
