"""Review analysis and taste profiles with the fake sentiment backend (fast)."""

from decimal import Decimal

import pytest

from recommender.models import ReviewAnalysis, TasteProfile
from recommender.services import analysis
from recommender.tasks.analysis import analyse_review, analyse_reviews_batch
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_models(monkeypatch):
    monkeypatch.setenv("LLM_BACKEND", "fake")


def test_a_review_is_stored_with_label_score_aspects_and_model_version():
    review = ReviewFactory(body="The acting was superb. The plot was a boring mess.")

    result = analysis.review_analyse(review_id=review.pk)

    assert result.model_version == "fake-sentiment-1"
    assert result.model_name == analysis.SENTIMENT_MODEL_NAME
    assert -1 <= result.score <= 1
    aspects = {a["aspect"]: a for a in result.aspects}
    assert aspects["acting"]["sentiment"] == "positive"
    assert aspects["acting"]["sentence"] == "The acting was superb."
    assert aspects["story"]["sentiment"] == "negative"


def test_analysing_twice_stores_one_result_and_does_no_new_work():
    review = ReviewFactory(body="Great fun, brilliant cast.")
    first = analysis.review_analyse(review_id=review.pk)
    second = analysis.review_analyse(review_id=review.pk)
    assert ReviewAnalysis.objects.filter(review=review).count() == 1
    assert second.analysed_at == first.analysed_at


def test_an_edited_review_is_analysed_again():
    review = ReviewFactory(body="Great fun, brilliant cast.")
    analysis.review_analyse(review_id=review.pk)
    review.body = "Awful, boring and dull."
    review.save()
    result = analysis.review_analyse(review_id=review.pk)
    assert result.label == "negative"
    assert ReviewAnalysis.objects.filter(review=review).count() == 1


def test_a_deleted_review_is_skipped():
    review = ReviewFactory()
    review_id = review.pk
    review.delete()
    assert analysis.review_analyse(review_id=review_id) is None
    assert analyse_review.run(review_id) == "gone"


def test_the_backfill_finds_reviews_not_analysed_by_the_current_version():
    done, stale, fresh = ReviewFactory(body="great"), ReviewFactory(body="bad"), ReviewFactory(body="fun")
    analysis.review_analyse(review_id=done.pk)
    analysis.review_analyse(review_id=stale.pk)
    ReviewAnalysis.objects.filter(review=stale).update(model_version="old-version")

    todo = set(analysis.reviews_needing_analysis(model_version="fake-sentiment-1"))

    assert todo == {stale.pk, fresh.pk}
    assert analyse_reviews_batch.run(sorted(todo)) == 2
    assert not analysis.reviews_needing_analysis(model_version="fake-sentiment-1").exists()


def test_the_taste_profile_follows_ratings_and_reviewed_aspects():
    user = UserFactory()
    crime, romance = GenreFactory(name="Crime"), GenreFactory(name="Romance")
    for score in ("5.0", "4.5", "5.0"):
        RatingFactory(user=user, movie=MovieFactory(genres=[crime]), score=Decimal(score))
    for score in ("1.0", "1.5", "2.0"):
        RatingFactory(user=user, movie=MovieFactory(genres=[romance]), score=Decimal(score))
    ReviewFactory(user=user, body="The pacing was tense and great. The music was awful.")
    analysis.review_analyse(review_id=user.reviews.get().pk)

    profile = TasteProfile.objects.get(user=user)

    assert profile.preferences["genres"]["Crime"] > 0.5
    assert profile.preferences["genres"]["Romance"] < -0.5
    assert profile.preferences["aspects"]["pacing"] > 0
    assert profile.preferences["aspects"]["music"] < 0
    assert profile.rating_count == 6 and profile.review_count == 1
    assert "Loves Crime" in profile.summary and "Romance" in profile.summary
    assert analysis.taste_vector(profile)["genre:Crime"] > 0


def test_saving_a_review_queues_its_analysis(django_capture_on_commit_callbacks, monkeypatch):
    from community.reviews.services import review_post

    queued = []
    monkeypatch.setattr(analyse_review, "delay", lambda review_id: queued.append(review_id))
    user, movie = UserFactory(), MovieFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review = review_post(user=user, movie=movie, body="A tense, brilliant thriller.")
    assert queued == [review.pk]


def test_pages_can_read_aspect_counts_and_model_status():
    from recommender import selectors_llm

    movie = MovieFactory()
    for body in ("The acting was great.", "The acting was awful.", "The acting was superb."):
        analysis.review_analyse(review_id=ReviewFactory(movie=movie, body=body).pk)

    summary = selectors_llm.movie_sentiment_summary(movie_id=movie.pk)

    assert summary["analysed_reviews"] == 3
    assert summary["aspects"][0] == {"aspect": "acting", "positive": 2, "negative": 1}
    assert selectors_llm.models_status()["ready"] is True  # the fake models are always ready


def test_an_analysed_review_queues_a_refresh_of_its_authors_recommendations(monkeypatch):
    from recommender.tasks import recommendations as recommendation_tasks

    queued: list[int] = []
    monkeypatch.setattr(
        recommendation_tasks.recommendations_refresh, "delay", lambda user_id: queued.append(user_id)
    )
    review = ReviewFactory(body="Tense and brilliant.")

    assert analyse_review.run(review.pk) == "done"
    assert queued == [review.user_id]
