"""Recommendation rows, feedback and retraining against the real database (small world)."""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from community.movies.models import Movie
from recommender import selectors
from recommender.hybrid import serving
from recommender.models import ModelArtifact, Recommendation, RecommendationFeedback, ReviewAnalysis
from recommender.services import recommendations, recommender_model
from recommender.tasks.recommendations import recommendations_refresh as refresh_task
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory
from tests.recommender.conftest import GENRES

pytestmark = pytest.mark.django_db


def _rated(user, movies, score="5.0"):
    for movie in movies:
        RatingFactory(user=user, movie=movie, score=Decimal(score))


def test_training_records_one_active_artifact_and_points_current_at_it(world, model_dir):
    artifact = world["artifact"]
    assert artifact.is_active and artifact.kind == ModelArtifact.Kind.RECOMMENDER
    assert os.readlink(model_dir / "current") == os.path.basename(artifact.path)
    second = recommender_model.recommender_train(content="tfidf")
    assert ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).get() == second
    assert recommendations.current_model().version == second.version


def test_a_refresh_stores_top_picks_with_reasons_and_never_a_rated_movie(world):
    user = UserFactory()
    crime = world["movies"]["Crime"]
    _rated(user, crime[:4])
    stored = recommendations.recommendations_refresh(user_id=user.pk)
    assert stored > 0
    top = Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank")
    assert top.exists()
    assert not top.filter(movie__in=crime[:4]).exists()
    assert all(r.reason for r in top)
    assert top.first().model_version == world["artifact"].version
    genres = [r.movie.genres.get().name for r in top[:5]]
    assert genres.count("Crime") >= 4
    loved = Recommendation.objects.filter(user=user, row=Recommendation.Row.BECAUSE_YOU_LOVED)
    assert loved.exists() and loved.first().reason.startswith("Because you rated")


def test_not_interested_removes_a_movie_at_once_and_it_never_comes_back(world):
    user = UserFactory()
    _rated(user, world["movies"]["Comedy"][:3])
    recommendations.recommendations_refresh(user_id=user.pk)
    target = (
        Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank").first()
    )

    recommendations.recommendation_feedback_record(
        user_id=user.pk, movie_id=target.movie_id, kind=RecommendationFeedback.Kind.NOT_INTERESTED
    )

    assert not Recommendation.objects.filter(user=user, movie_id=target.movie_id).exists()
    shown = [p.movie_id for row in selectors.recommendation_rows(user_id=user.pk) for p in row.items]
    assert target.movie_id not in shown
    recommendations.recommendations_refresh(user_id=user.pk)
    assert not Recommendation.objects.filter(user=user, movie_id=target.movie_id).exists()


def test_a_movie_rated_since_the_last_refresh_disappears_from_the_rows_at_once(world):
    user = UserFactory()
    _rated(user, world["movies"]["Horror"][:3])
    recommendations.recommendations_refresh(user_id=user.pk)
    first = (
        Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank").first()
    )
    RatingFactory(user=user, movie=first.movie, score=Decimal("4.0"))
    shown = [p.movie_id for row in selectors.recommendation_rows(user_id=user.pk) for p in row.items]
    assert first.movie_id not in shown


def test_a_negative_review_lowers_similar_movies(world):
    user = UserFactory()
    crime, comedy = world["movies"]["Crime"], world["movies"]["Comedy"]
    _rated(user, comedy[:2])
    _rated(user, crime[:1], score="3.5")
    model = recommendations.current_model()

    def crime_scores():
        h = recommendations.user_history(user_id=user.pk)
        s = model.scores(h.ratings, more_like=h.more_like, disliked=h.disliked | h.not_interested)
        return np.array([s[model._index[m.pk]] for m in crime[1:]])

    before = crime_scores()
    review = ReviewFactory(user=user, movie=crime[0], body="Dull, cruel and far too long.")
    ReviewAnalysis.objects.create(
        review=review,
        label="negative",
        score=-0.9,
        confidence=0.9,
        text_hash="x",
        model_name="test",
        model_version="1",
        analysed_at=timezone.now(),
    )
    after = crime_scores()
    assert (after < before).all()


def test_more_like_this_adds_a_row_about_that_movie(world):
    user = UserFactory()
    _rated(user, world["movies"]["Comedy"][:2])
    horror = world["movies"]["Horror"][5]
    recommendations.recommendation_feedback_record(
        user_id=user.pk, movie_id=horror.pk, kind=RecommendationFeedback.Kind.MORE_LIKE_THIS
    )
    recommendations.recommendations_refresh(user_id=user.pk)
    row = Recommendation.objects.filter(user=user, row=Recommendation.Row.MORE_LIKE_THIS)
    assert row.exists()
    assert row.first().row_subject == horror.title
    assert [r.movie.genres.get().name for r in row.order_by("rank")[:3]] == ["Horror"] * 3


def test_a_member_without_ratings_gets_recommendations(world):
    user = UserFactory()
    assert recommendations.recommendations_refresh(user_id=user.pk) > 0
    assert Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).count() == 12


def test_the_refresh_task_is_safe_to_run_twice_and_skips_a_deleted_user(world):
    user = UserFactory()
    _rated(user, world["movies"]["Crime"][:3])
    first = refresh_task.run(user.pk)
    second = refresh_task.run(user.pk)
    assert first == second == Recommendation.objects.filter(user=user).count()
    user_id = user.pk
    user.delete()
    assert refresh_task.run(user_id) == 0


def test_without_a_trained_model_a_refresh_leaves_rows_alone(model_dir):
    user = UserFactory()
    assert recommendations.recommendations_refresh(user_id=user.pk) == 0


def test_homepage_rows_load_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    user = world["users"][0]
    recommendations.recommendations_refresh(user_id=user.pk)
    with django_assert_max_num_queries(3):
        rows = selectors.recommendation_rows(user_id=user.pk)
        titles = [
            (row.title, [p.movie.title for p in row.items], [list(p.movie.genres.all()) for p in row.items])
            for row in rows
        ]
    assert titles[0][0] == "Top picks for you"


def test_similar_movies_come_from_the_model_and_work_for_an_unrated_movie(world):
    crime = world["movies"]["Crime"][0]
    similar = selectors.similar_movies(movie=crime, limit=5)
    assert len(similar) == 5
    assert sum(s["movie"].genres.get().name == "Crime" for s in similar) >= 4
    genre = crime.genres.get()
    newcomer = MovieFactory(title="Crime story brand new", genres=[genre])
    recommender_model.recommender_train(content="tfidf")
    assert not newcomer.ratings.exists()
    similar_new = selectors.similar_movies(movie=newcomer, limit=5)
    assert sum(s["movie"].genres.get().name == "Crime" for s in similar_new) >= 4
    assert isinstance(similar_new[0]["movie"], Movie)


def test_the_homepage_shows_rows_with_reasons_and_the_feedback_buttons_act(world, client):
    user = UserFactory()
    _rated(user, world["movies"]["Crime"][:3])
    recommendations.recommendations_refresh(user_id=user.pk)
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Top picks for you" in body
    assert "Because you rated" in body
    first = (
        Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank").first()
    )
    response = client.post(
        "/recommendations/feedback/", {"movie_id": first.movie_id, "kind": "not_interested", "next": "/"}
    )
    assert response.status_code == 302
    assert RecommendationFeedback.objects.filter(user=user, movie_id=first.movie_id).exists()
    assert f'value="{first.movie_id}"' not in client.get("/").content.decode()


def test_a_movie_page_lists_similar_movies_from_the_model(world, client):
    movie = world["movies"]["Horror"][0]
    page = client.get(movie.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Similar movies" in body
    neighbours = [s["movie"].title for s in selectors.similar_movies(movie=movie, limit=8)]
    assert neighbours and neighbours[0] in body


def test_a_members_refresh_queues_explanations_but_an_imported_raters_does_not(world, monkeypatch):
    from recommender.tasks import generation as generation_tasks

    queued: list[int] = []
    monkeypatch.setattr(
        generation_tasks.explanations_refresh, "delay", lambda user_id: queued.append(user_id)
    )
    member = UserFactory()
    rater = UserFactory(kind="movielens")
    _rated(member, world["movies"]["Crime"][:3])
    _rated(rater, world["movies"]["Crime"][:3])

    refresh_task.run(member.pk)
    refresh_task.run(rater.pk)

    assert queued == [member.pk]


def test_the_cached_rows_on_the_homepage_drop_a_movie_as_soon_as_it_is_rated(world, client):
    from community.reviews.services import rating_set

    user = UserFactory()
    _rated(user, world["movies"]["Crime"][:3])
    recommendations.recommendations_refresh(user_id=user.pk)
    client.force_login(user)
    first = (
        Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank").first()
    )
    assert f'value="{first.movie_id}"' in client.get("/").content.decode()  # rendered and cached

    rating_set(user=user, movie=first.movie, score="4.0")

    assert f'value="{first.movie_id}"' not in client.get("/").content.decode()


def test_a_refresh_from_sums_kept_at_training_stores_the_rows_of_the_members_ratings_now(world, monkeypatch):
    monkeypatch.setattr(serving, "PARTIAL_SUMS_FROM", 1)  # keep every member's sums
    artifact = recommender_model.recommender_train(content="tfidf")
    assert artifact.metrics["partial_sums_users"] == len(world["users"])
    user = max(world["users"], key=lambda u: u.ratings.count())
    model = recommendations.current_model()
    assert user.pk in model.partial_sums
    ratings = list(user.ratings.order_by("movie_id"))
    # since training: one new rating, one changed from loved to disliked (or back), one removed
    rated = {r.movie_id for r in ratings}
    new = next(m for name in GENRES for m in world["movies"][name] if m.pk not in rated)
    RatingFactory(user=user, movie=new, score=Decimal("5.0"))
    changed = ratings[0]
    changed.score = Decimal("1.0") if changed.score >= 4 else Decimal("5.0")
    changed.save()
    ratings[1].delete()

    recommendations.recommendations_refresh(user_id=user.pk)

    history = recommendations.user_history(user_id=user.pk)
    assert model.partial_sums[user.pk].now(model.hybrid.base, model.row(history.ratings)) is not None
    stored: dict[tuple[str, str], list[int]] = {}
    for r in Recommendation.objects.filter(user=user).order_by("rank"):
        stored.setdefault((r.row, r.row_subject), []).append(r.movie_id)
    # the same rows as folding the member in afresh, without the kept sums
    fresh = recommendations._rows_for(model, dataclasses.replace(history, user_id=None))
    assert stored == {(row, subject): [p.movie_id for p in picks] for row, subject, picks in fresh if picks}
    assert new.pk not in {m for picks in stored.values() for m in picks}


@pytest.mark.parametrize("shared", [False, True], ids=["stamp query", "versions in a shared cache"])
def test_the_next_homepage_shows_a_dismissal_a_new_rating_and_a_refresh_at_once(
    world, client, settings, monkeypatch, shared, django_capture_on_commit_callbacks
):
    from celery.app.task import Task

    from community.reviews.services import rating_set

    settings.CACHE_IS_SHARED = shared
    sent: list[str] = []  # tasks queued after the commits below, kept instead of sent
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **o: sent.append(self.name))
    user = UserFactory()
    _rated(user, world["movies"]["Crime"][:3])
    recommendations.recommendations_refresh(user_id=user.pk)
    client.force_login(user)
    client.get("/")  # sets the CSRF cookie
    client.get("/")  # rendered and cached

    def top_picks() -> list[int]:
        rows = Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS).order_by("rank")
        return list(rows.values_list("movie_id", flat=True))

    def shown(movie_id: int, page) -> bool:
        return f'value="{movie_id}"' in page.content.decode()

    cached = client.get("/")
    assert cached.context is None  # served from the page cache
    first, second = top_picks()[:2]
    assert shown(first, cached) and shown(second, cached)

    with django_capture_on_commit_callbacks(execute=True):
        recommendations.recommendation_feedback_record(
            user_id=user.pk, movie_id=first, kind=RecommendationFeedback.Kind.NOT_INTERESTED
        )
    page = client.get("/")
    assert page.context is not None and not shown(first, page)  # rendered afresh

    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, movie=Movie.objects.get(pk=second), score="4.5")
    page = client.get("/")
    assert page.context is not None and not shown(second, page)

    with django_capture_on_commit_callbacks(execute=True):
        recommendations.recommendations_refresh(user_id=user.pk)
    fresh = top_picks()
    page = client.get("/")
    assert page.context is not None and all(shown(movie_id, page) for movie_id in fresh)
    assert first not in fresh and second not in fresh
    assert client.get("/").context is None  # and cached again until the next change
    assert "recommender.tasks.recommendations.recommendations_refresh" in sent
