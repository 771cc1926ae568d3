from decimal import Decimal

import pytest

from community.reviews.models import Rating, Review, ReviewLike
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, ReviewLikeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movie(db):
    return MovieFactory()


def reviews_url(movie):
    return f"/api/v1/movies/{movie.pk}/reviews/"


def test_anyone_can_list_a_movies_reviews_newest_first(anon, movie):
    ReviewFactory(movie=movie, body="old")
    ReviewFactory(movie=movie, body="new")
    ReviewFactory()  # another movie's
    response = anon.get(reviews_url(movie))
    assert response.status_code == 200
    assert [r["body"] for r in response.json()["results"]] == ["new", "old"]
    first = response.json()["results"][0]
    assert first["liked_by_me"] is False
    assert first["sentiment"] is None
    assert {"id", "username", "display_name"} == set(first["author"])


def test_reviews_can_be_ordered_by_likes_and_filtered(anon, movie):
    ReviewFactory(movie=movie, body="meh", like_count=1)
    ReviewFactory(movie=movie, body="great", like_count=9, has_spoilers=True)
    liked = anon.get(reviews_url(movie) + "?ordering=-likes").json()["results"]
    assert [r["body"] for r in liked] == ["great", "meh"]
    spoilers = anon.get(reviews_url(movie) + "?has_spoilers=true").json()["results"]
    assert [r["body"] for r in spoilers] == ["great"]
    assert anon.get(reviews_url(movie) + "?ordering=nope").status_code == 400


def test_the_review_list_shows_what_i_liked_in_a_fixed_number_of_queries(
    api, member, movie, django_assert_max_num_queries
):
    reviews = ReviewFactory.create_batch(15, movie=movie)
    ReviewLikeFactory(review=reviews[0], user=member)
    with django_assert_max_num_queries(5):
        results = api.get(reviews_url(movie)).json()["results"]
    assert sum(r["liked_by_me"] for r in results) == 1


def test_the_review_list_shows_each_sentiment_in_a_fixed_number_of_queries(
    api, member, movie, django_assert_max_num_queries
):
    from django.utils import timezone

    from recommender.models import ReviewAnalysis  # test only: community code never imports recommender

    reviews = ReviewFactory.create_batch(15, movie=movie)
    for review in reviews[:10]:
        ReviewAnalysis.objects.create(
            review=review,
            label="negative",
            score=-0.5,
            confidence=0.9,
            text_hash="0" * 64,
            model_name="test",
            model_version="1",
            analysed_at=timezone.now(),
        )
    with django_assert_max_num_queries(5):  # as unanalysed, above: the chips come in the reviews' own query
        results = api.get(reviews_url(movie)).json()["results"]
    sentiments = {r["id"]: r["sentiment"] for r in results}
    assert [sentiments[r.pk] for r in reviews] == [{"label": "negative", "score": -0.5}] * 10 + [None] * 5


def test_reviews_of_an_unknown_movie_answer_404(anon):
    assert anon.get("/api/v1/movies/424242/reviews/").status_code == 404


def test_a_member_posts_a_review(api, member, movie):
    response = api.post(
        reviews_url(movie), {"body": "Tense and beautiful.", "has_spoilers": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["body"] == "Tense and beautiful."
    review = Review.objects.get(user=member, movie=movie)
    assert review.has_spoilers
    movie.refresh_from_db()
    assert movie.review_count == 1


def test_posting_needs_authentication(anon, movie):
    assert anon.post(reviews_url(movie), {"body": "Hi"}, format="json").status_code == 401


def test_a_second_review_of_the_same_movie_answers_400(api, member, movie):
    ReviewFactory(user=member, movie=movie)
    response = api.post(reviews_url(movie), {"body": "Again"}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": 42 * "x" * 300},
        {"body": "ok", "has_spoilers": "maybe"},
        [],
    ],
)
def test_bad_review_input_answers_400(api, movie, payload):
    response = api.post(reviews_url(movie), payload, format="json")
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_posting_about_an_unknown_movie_answers_404(api):
    assert api.post("/api/v1/movies/424242/reviews/", {"body": "x"}, format="json").status_code == 404


def test_the_author_edits_their_review(api, member):
    review = ReviewFactory(user=member, body="first")
    response = api.patch(f"/api/v1/reviews/{review.pk}/", {"body": "second"}, format="json")
    assert response.status_code == 200
    assert response.json()["body"] == "second"
    assert response.json()["has_spoilers"] is False
    review.refresh_from_db()
    assert review.body == "second"


def test_nobody_else_edits_or_deletes_a_review(other_api, member):
    review = ReviewFactory(user=member, body="mine")
    assert (
        other_api.patch(f"/api/v1/reviews/{review.pk}/", {"body": "theirs"}, format="json").status_code == 403
    )
    assert other_api.delete(f"/api/v1/reviews/{review.pk}/").status_code == 403
    review.refresh_from_db()
    assert review.body == "mine"


def test_anonymous_clients_cannot_edit(anon):
    review = ReviewFactory()
    assert anon.patch(f"/api/v1/reviews/{review.pk}/", {"body": "x"}, format="json").status_code == 401


def test_the_author_deletes_their_review(api, member):
    review = ReviewFactory(user=member)
    assert api.delete(f"/api/v1/reviews/{review.pk}/").status_code == 204
    assert not Review.objects.filter(pk=review.pk).exists()


def test_a_review_can_be_read_by_anyone_and_unknown_ones_answer_404(anon):
    review = ReviewFactory()
    assert anon.get(f"/api/v1/reviews/{review.pk}/").json()["id"] == review.pk
    assert anon.get("/api/v1/reviews/424242/").status_code == 404


def test_liking_and_unliking_someone_elses_review(api, member):
    review = ReviewFactory()
    response = api.put(f"/api/v1/reviews/{review.pk}/like/")
    assert response.status_code == 200
    assert response.json() == {"liked": True, "like_count": 1}
    assert api.put(f"/api/v1/reviews/{review.pk}/like/").json() == {"liked": True, "like_count": 1}
    assert ReviewLike.objects.filter(review=review, user=member).exists()
    assert api.delete(f"/api/v1/reviews/{review.pk}/like/").json() == {"liked": False, "like_count": 0}


def test_liking_ones_own_review_answers_400(api, member):
    review = ReviewFactory(user=member)
    assert api.put(f"/api/v1/reviews/{review.pk}/like/").status_code == 400


def test_liking_needs_authentication_and_an_existing_review(anon, api):
    review = ReviewFactory()
    assert anon.put(f"/api/v1/reviews/{review.pk}/like/").status_code == 401
    assert api.put("/api/v1/reviews/424242/like/").status_code == 404


def test_a_member_sets_changes_reads_and_clears_their_rating(api, member, movie):
    url = f"/api/v1/movies/{movie.pk}/rating/"
    assert api.get(url).status_code == 404
    response = api.put(url, {"score": 4.5}, format="json")
    assert response.status_code == 200
    assert response.json()["score"] == "4.5"
    assert api.put(url, {"score": "3.0"}, format="json").json()["score"] == "3.0"
    assert api.get(url).json()["score"] == "3.0"
    movie.refresh_from_db()
    assert (movie.rating_count, movie.rating_average) == (1, 3.0)
    assert api.delete(url).status_code == 204
    assert not Rating.objects.filter(user=member).exists()


@pytest.mark.parametrize("score", [0, 0.3, 4.25, 5.5, -1, 1e300, "abc", "NaN", None, [4], {"v": 1}])
def test_bad_scores_answer_400(api, movie, score):
    response = api.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": score}, format="json")
    assert response.status_code == 400
    assert "score" in response.json()


def test_a_huge_json_number_answers_400(api, movie):
    response = api.put(
        f"/api/v1/movies/{movie.pk}/rating/", data='{"score": 1e400}', content_type="application/json"
    )
    assert response.status_code == 400


def test_rating_needs_authentication_and_an_existing_movie(anon, api):
    movie = MovieFactory()
    assert anon.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": 4}, format="json").status_code == 401
    assert api.put("/api/v1/movies/424242/rating/", {"score": 4}, format="json").status_code == 404


def test_my_ratings_lists_only_mine(api, member, django_assert_max_num_queries):
    for _ in range(5):
        RatingFactory(user=member, score=Decimal("2.5"))
    RatingFactory()
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/me/ratings/")
    assert response.json()["count"] == 5
