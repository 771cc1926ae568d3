"""Review analysis and taste profiles with the fake sentiment backend (fast)."""

from decimal import Decimal

import pytest

from recommender.models import ReviewAnalysis, TasteProfile
from recommender.services import analysis
from recommender.tasks.analysis import analyse_review, analyse_reviews_batch, taste_profile_refresh
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _scripted_models(fake_models):
    """Every test here runs on the scripted models (the `fake_models` fixture of conftest.py)."""


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
    assert taste_profile_refresh.run(user.pk) == "done"

    profile = TasteProfile.objects.get(user=user)

    assert profile.preferences["genres"]["Crime"] > 0.5
    assert profile.preferences["genres"]["Romance"] < -0.5
    assert profile.preferences["aspects"]["pacing"] > 0
    assert profile.preferences["aspects"]["music"] < 0
    assert profile.rating_count == 6 and profile.review_count == 1
    assert "Loves Crime" in profile.summary and "Romance" in profile.summary


def test_saving_a_review_queues_its_analysis(django_capture_on_commit_callbacks, monkeypatch):
    from community.reviews.services import review_post

    queued = []
    monkeypatch.setattr(analyse_review, "delay", lambda review_id: queued.append(review_id))
    user, movie = UserFactory(), MovieFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review = review_post(user=user, movie=movie, body="A tense, brilliant thriller.")
    assert queued == [review.pk]


@pytest.fixture
def follow_ups(monkeypatch):
    """The tasks that follow an analysis, counted (user ids) instead of sent."""
    from recommender.tasks import analysis as analysis_tasks
    from recommender.tasks import recommendations as recommendation_tasks

    sent: dict[str, list[int]] = {"rows": [], "taste": []}
    monkeypatch.setattr(
        recommendation_tasks.recommendations_refresh, "delay", lambda user_id: sent["rows"].append(user_id)
    )
    monkeypatch.setattr(
        analysis_tasks.taste_profile_refresh, "delay", lambda user_id: sent["taste"].append(user_id)
    )
    return sent


def test_posting_a_review_refreshes_its_authors_rows_and_taste_profile_once_each(
    follow_ups, monkeypatch, django_capture_on_commit_callbacks
):
    from community.reviews.services import review_post

    # The analysis task runs where it is queued, as a worker would run it.
    monkeypatch.setattr(analyse_review, "delay", lambda review_id: analyse_review.run(review_id))
    user, movie = UserFactory(), MovieFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review = review_post(user=user, movie=movie, body="A tense, brilliant thriller.")

    assert ReviewAnalysis.objects.filter(review=review).exists()
    assert follow_ups == {"rows": [user.pk], "taste": [user.pk]}


def test_a_review_posted_while_the_model_warms_up_still_refreshes_the_rows_once(
    follow_ups, monkeypatch, django_capture_on_commit_callbacks
):
    from community.reviews.services import review_post
    from recommender.tasks import analysis as analysis_tasks

    monkeypatch.setattr(analysis_tasks, "_model_ready", lambda: False)
    monkeypatch.setattr(analyse_review, "delay", lambda review_id: analyse_review.run(review_id))
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review_post(user=user, movie=MovieFactory(), body="Slow but lovely.")

    assert not ReviewAnalysis.objects.exists()
    assert follow_ups == {"rows": [user.pk], "taste": []}  # the backfill's analysis brings the taste


def test_a_batch_queues_each_authors_taste_profile_once(follow_ups, django_capture_on_commit_callbacks):
    author, other = UserFactory(), UserFactory()
    reviews = [ReviewFactory(user=author, body=b) for b in ("Great acting.", "Awful music.")]
    reviews.append(ReviewFactory(user=other, body="Fine."))
    with django_capture_on_commit_callbacks(execute=True):
        assert len(analysis.reviews_analyse(review_ids=[r.pk for r in reviews])) == 3
    assert sorted(follow_ups["taste"]) == sorted([author.pk, other.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert analysis.reviews_analyse(review_ids=[r.pk for r in reviews]) == []  # nothing new
    assert len(follow_ups["taste"]) == 2


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


def test_many_ratings_at_once_refresh_the_member_once_and_their_films_in_batches(
    follow_ups, monkeypatch, django_capture_on_commit_callbacks
):
    """An import's ratings_saved: one taste and one rows refresh for the member (not one per
    film), and the studio console's aggregates of every film in bulk-queue batches."""
    from community.reviews.services import ratings_set_many
    from recommender.insight import tasks as insight_tasks

    batches: list[list[int]] = []
    monkeypatch.setattr(insight_tasks, "INSIGHT_BATCH", 2)
    monkeypatch.setattr(insight_tasks.film_insights_refresh_many, "delay", batches.append)
    user, movies = UserFactory(), MovieFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        ratings_set_many(user=user, scores={m.pk: "4" for m in movies})

    assert follow_ups == {"rows": [user.pk], "taste": [user.pk]}
    assert batches == [sorted(m.pk for m in movies)[:2], sorted(m.pk for m in movies)[2:]]
