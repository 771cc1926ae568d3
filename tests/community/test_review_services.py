from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.core import events
from community.reviews import services
from community.reviews.models import Rating, Review
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rating_a_movie_updates_its_count_and_average():
    movie = MovieFactory()
    services.rating_set(user=UserFactory(), movie=movie, score="4.5")
    services.rating_set(user=UserFactory(), movie=movie, score=Decimal("3.5"))
    movie.refresh_from_db()
    assert movie.rating_count == 2
    assert movie.rating_average == pytest.approx(4.0)


def test_rating_again_changes_the_score_instead_of_adding_a_row():
    user, movie = UserFactory(), MovieFactory()
    services.rating_set(user=user, movie=movie, score=2)
    services.rating_set(user=user, movie=movie, score="5")
    assert Rating.objects.get(user=user, movie=movie).score == Decimal("5.0")
    movie.refresh_from_db()
    assert movie.rating_count == 1


@pytest.mark.parametrize("score", ["0", "5.5", "3.3", "-1", "abc", "", "NaN", "Infinity", None])
def test_a_rating_outside_half_stars_is_refused(score):
    with pytest.raises(ValidationError) as exc:
        services.rating_set(user=UserFactory(), movie=MovieFactory(), score=score)
    assert "score" in exc.value.message_dict
    assert not Rating.objects.exists()


def test_clearing_a_rating_removes_it_and_refreshes_the_movie():
    user, movie = UserFactory(), MovieFactory()
    services.rating_set(user=user, movie=movie, score="3")
    services.rating_clear(user=user, movie=movie)
    movie.refresh_from_db()
    assert movie.rating_count == 0 and movie.rating_average is None


def test_rating_sends_rating_saved_after_commit(django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    events.rating_saved.connect(receiver)
    try:
        user, movie = UserFactory(), MovieFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.rating_set(user=user, movie=movie, score="4")
            assert received == []
    finally:
        events.rating_saved.disconnect(receiver)
    assert received[0]["user_id"] == user.pk and received[0]["score"] == 4.0


def test_rating_many_films_at_once_counts_each_film_and_sends_one_event(django_capture_on_commit_callbacks):
    user, other = UserFactory(), UserFactory()
    first, second, third = MovieFactory(), MovieFactory(), MovieFactory()
    services.rating_set(user=other, movie=first, score="2")
    services.rating_set(user=user, movie=second, score="3")
    services.rating_set(user=user, movie=third, score="1")
    received, single = [], []
    events.ratings_saved.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t-many")
    events.rating_saved.connect(lambda **kw: single.append(kw), weak=False, dispatch_uid="t-one")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.ratings_set_many(
                user=user, scores={first.pk: "4", second.pk: Decimal("5"), third.pk: "1.0"}
            )
    finally:
        events.ratings_saved.disconnect(dispatch_uid="t-many")
        events.rating_saved.disconnect(dispatch_uid="t-one")
    assert counts == (1, 1)  # the third film already had that score
    assert dict(Rating.objects.filter(user=user).values_list("movie_id", "score")) == {
        first.pk: Decimal("4.0"),
        second.pk: Decimal("5.0"),
        third.pk: Decimal("1.0"),
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rating_count, first.rating_average) == (2, pytest.approx(3.0))
    assert (second.rating_count, second.rating_average) == (1, pytest.approx(5.0))
    assert single == []
    assert [(r["user_id"], r["movie_ids"]) for r in received] == [(user.pk, sorted([first.pk, second.pk]))]


def test_rating_many_films_refuses_any_score_outside_half_stars():
    user, movie = UserFactory(), MovieFactory()
    with pytest.raises(ValidationError):
        services.ratings_set_many(user=user, scores={movie.pk: "4", MovieFactory().pk: "3.3"})
    assert not Rating.objects.exists()


def test_posting_a_review_stores_it_counts_it_and_sends_review_saved(django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    events.review_saved.connect(receiver)
    try:
        user, movie = UserFactory(), MovieFactory()
        with django_capture_on_commit_callbacks(execute=True):
            review = services.review_post(
                user=user, movie=movie, body="  Great <b>fun</b>  ", has_spoilers=True
            )
    finally:
        events.review_saved.disconnect(receiver)
    assert review.body == "Great <b>fun</b>" and review.has_spoilers
    movie.refresh_from_db()
    assert movie.review_count == 1
    assert received[0]["review_id"] == review.pk and received[0]["text_changed"] is True


@pytest.mark.parametrize("body", ["", "   \n\t ", "x" * 10_001])
def test_empty_whitespace_only_and_overlong_reviews_are_refused(body):
    with pytest.raises(ValidationError) as exc:
        services.review_post(user=UserFactory(), movie=MovieFactory(), body=body)
    assert "body" in exc.value.message_dict
    assert not Review.objects.exists()


def test_a_second_review_of_the_same_movie_is_refused():
    user, movie = UserFactory(), MovieFactory()
    services.review_post(user=user, movie=movie, body="First")
    with pytest.raises(ValidationError):
        services.review_post(user=user, movie=movie, body="Second")
    assert Review.objects.count() == 1


def test_only_the_author_can_edit_or_delete_a_review():
    review = ReviewFactory()
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.review_update(review=review, user=stranger, body="hijack", has_spoilers=False)
    with pytest.raises(PermissionDenied):
        services.review_delete(review=review, user=stranger)
    review.refresh_from_db()
    assert review.body != "hijack"


def test_editing_a_review_reports_whether_the_text_changed(django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    review = ReviewFactory(body="Same")
    events.review_saved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.review_update(review=review, user=review.user, body="Same", has_spoilers=True)
            services.review_update(review=review, user=review.user, body="Changed", has_spoilers=True)
    finally:
        events.review_saved.disconnect(receiver)
    assert [r["text_changed"] for r in received] == [False, True]


def test_deleting_a_review_updates_the_movie_count():
    user, movie = UserFactory(), MovieFactory()
    review = services.review_post(user=user, movie=movie, body="Bye soon")
    services.review_delete(review=review, user=user)
    movie.refresh_from_db()
    assert movie.review_count == 0 and not Review.objects.exists()


def test_liking_and_unliking_keeps_like_count_in_step():
    review, fan = ReviewFactory(), UserFactory()
    assert services.review_like_toggle(review=review, user=fan) is True
    assert services.review_like(review=review, user=fan) is False  # twice is harmless
    assert review.like_count == 1
    assert services.review_like_toggle(review=review, user=fan) is False
    assert review.like_count == 0


def test_nobody_can_like_their_own_review():
    review = ReviewFactory()
    with pytest.raises(ValidationError):
        services.review_like(review=review, user=review.user)


def test_movie_stats_refresh_recomputes_from_rows():
    from community.movies.services import movie_stats_refresh

    movie = MovieFactory(rating_count=99, rating_average=1.0, review_count=7)
    RatingFactory(movie=movie, score=Decimal("5"))
    RatingFactory(movie=movie, score=Decimal("2"))
    ReviewFactory(movie=movie)
    movie_stats_refresh(movie_ids=[movie.pk])
    movie.refresh_from_db()
    assert (movie.rating_count, movie.rating_average, movie.review_count) == (2, 3.5, 1)
