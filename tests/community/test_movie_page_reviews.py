"""The movie page's review sections."""

import pytest

from tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_trained_recommender(settings, tmp_path):
    settings.RECOMMENDER_MODEL_DIR = tmp_path  # the similar-movies slot uses no artefact of this machine


def test_the_authors_own_review_is_shown_once_under_your_review(member_client, user):
    movie = MovieFactory()
    mine = ReviewFactory(user=user, movie=movie, body="My one and only take.")
    theirs = ReviewFactory(movie=movie, body="Somebody else's take.")
    response = member_client.get(movie.get_absolute_url())
    content = response.content.decode()
    assert content.count("My one and only take.") == 1
    assert [r.pk for r in response.context["reviews"].object_list] == [theirs.pk]
    assert response.context["own_review"] == mine
    assert "Other reviews" in content


def test_other_readers_still_see_that_review_in_the_list(client, user):
    movie = MovieFactory()
    mine = ReviewFactory(user=user, movie=movie)
    response = client.get(movie.get_absolute_url())
    assert [r.pk for r in response.context["reviews"].object_list] == [mine.pk]


def test_an_author_whose_review_is_the_only_one_sees_no_other_reviews_yet(member_client, user):
    movie = MovieFactory()
    ReviewFactory(user=user, movie=movie)
    assert "No other reviews yet." in member_client.get(movie.get_absolute_url()).content.decode()
