"""A member's predicted rating of a film: one selector for the movie page and the API, from
the rating model each retrain fits and each refresh folds the member into."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from community.movies import views as movie_views
from recommender.hybrid.artifact import load_artifact, save_artifact
from recommender.models import MemberRatingFactors, MovieRatingFactors
from recommender.predicted import selectors
from recommender.services import recommendations, recommender_model
from tests.factories import MovieFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _crime_fan(world):
    """A member who gave 5 stars to four crime films and 1 star to two comedies, refreshed."""
    user = UserFactory()
    for movie in world["movies"]["Crime"][:4]:
        RatingFactory(user=user, movie=movie, score=Decimal("5.0"))
    for movie in world["movies"]["Comedy"][:2]:
        RatingFactory(user=user, movie=movie, score=Decimal("1.0"))
    recommendations.recommendations_refresh(user_id=user.pk)
    return user


@pytest.mark.parametrize(
    ("value", "stars"), [(4.24, 4.0), (4.25, 4.5), (3.74, 3.5), (6.3, 5.0), (-1.0, 0.5), (0.2, 0.5)]
)
def test_a_prediction_is_clipped_to_the_scale_and_rounded_to_half_a_star(value, stars):
    assert selectors.half_star(value) == stars


def test_a_refreshed_member_gets_the_model_s_estimate_rounded_to_half_a_star(world):
    user = _crime_fan(world)
    film = world["movies"]["Crime"][6]
    prediction = selectors.predicted_rating(user_id=user.pk, movie_id=film.pk)
    assert prediction.status == selectors.PREDICTED
    model = recommendations.current_model()
    factors, bias, used = model.rating_fold_in(_stars(user))
    column = model.column_of(film.pk)
    expected = model.rating.mu + model.rating.bi[column] + bias + model.rating.q[column] @ factors
    assert prediction.estimate == pytest.approx(expected, abs=1e-3)
    assert prediction.stars == selectors.half_star(expected) and prediction.stars * 2 == int(
        prediction.stars * 2
    )
    assert prediction.member_ratings == used == 6
    assert prediction.model_version == world["artifact"].version
    assert "from your 6 ratings" in prediction.note
    # and it follows the member's taste
    comedy = selectors.predicted_rating(user_id=user.pk, movie_id=world["movies"]["Comedy"][7].pk)
    assert prediction.estimate > comedy.estimate + 0.5


def _stars(user) -> dict[int, float]:
    return {r.movie_id: float(r.score) for r in user.ratings.all()}


def test_no_estimate_without_ratings_of_one_s_own_or_before_any_model(model_dir):
    film = MovieFactory()
    newcomer = UserFactory()
    assert selectors.predicted_rating(user_id=newcomer.pk, movie_id=film.pk).status == selectors.NO_ESTIMATE
    RatingFactory(user=newcomer, movie=MovieFactory(), score=Decimal("4.0"))
    recommendations.recommendations_refresh(user_id=newcomer.pk)  # no model trained: nothing stored
    assert not MemberRatingFactors.objects.exists()
    assert selectors.predicted_rating(user_id=newcomer.pk, movie_id=film.pk).status == selectors.NO_ESTIMATE


def test_a_film_nobody_rated_has_no_estimate(world):
    user = _crime_fan(world)
    unrated = MovieFactory()
    recommender_model.recommender_train(content="tfidf")
    recommendations.recommendations_refresh(user_id=user.pk)
    assert selectors.predicted_rating(user_id=user.pk, movie_id=unrated.pk).status == selectors.NO_ESTIMATE


def test_a_retrain_keeps_the_served_model_s_movie_factors_until_members_are_refreshed(world):
    user = _crime_fan(world)
    film = world["movies"]["Crime"][6]
    first = world["artifact"].version
    # forced: the guard may keep out a retrain on this tiny world, and this is about the swap
    second = recommender_model.recommender_train(content="tfidf", force=True).version
    assert set(MovieRatingFactors.objects.values_list("model_version", flat=True)) == {first, second}
    assert selectors.predicted_rating(user_id=user.pk, movie_id=film.pk).model_version == first
    recommendations.recommendations_refresh(user_id=user.pk)
    assert selectors.predicted_rating(user_id=user.pk, movie_id=film.pk).model_version == second
    third = recommender_model.recommender_train(content="tfidf", force=True).version
    assert set(MovieRatingFactors.objects.values_list("model_version", flat=True)) == {second, third}


def test_the_rating_model_survives_the_file(world, tmp_path):
    model = recommendations.current_model()
    again = load_artifact(save_artifact(model, tmp_path / "copy"))
    stars = {m.pk: 4.5 for m in world["movies"]["Horror"][:3]}
    mine, theirs = model.rating_fold_in(stars), again.rating_fold_in(stars)
    assert np.allclose(mine[0], theirs[0], atol=1e-5) and mine[1:] == pytest.approx(theirs[1:])


def test_the_movie_page_shows_it_with_one_query_more_and_hides_it_once_rated(world, client, monkeypatch):
    user = _crime_fan(world)
    film = world["movies"]["Crime"][6]
    client.force_login(user)
    client.get(film.get_absolute_url())  # first-request work (session, caches) out of the count
    with CaptureQueriesContext(connection) as with_tag:
        html = client.get(film.get_absolute_url()).content.decode()
    prediction = selectors.predicted_rating(user_id=user.pk, movie_id=film.pk)
    assert f"You would likely rate this <strong>{prediction.stars:.1f}★</strong>" in html
    assert "matrix-factorisation model" in html
    available = movie_views.template_tag_available
    monkeypatch.setattr(
        movie_views,
        "template_tag_available",
        lambda library, tag: tag != "predicted_rating" and available(library, tag),
    )
    with CaptureQueriesContext(connection) as without_tag:
        client.get(film.get_absolute_url())
    extra = {q["sql"] for q in with_tag.captured_queries} - {q["sql"] for q in without_tag.captured_queries}
    assert len(with_tag) - len(without_tag) == 1, extra
    monkeypatch.undo()
    RatingFactory(user=user, movie=film, score=Decimal("2.5"))
    assert selectors.predicted_rating(user_id=user.pk, movie_id=film.pk).status == selectors.RATED
    assert "would likely rate" not in client.get(film.get_absolute_url()).content.decode()


def test_a_member_without_an_estimate_sees_no_empty_box(model_dir, client):
    client.force_login(UserFactory())
    html = client.get(MovieFactory().get_absolute_url()).content.decode()
    assert "would likely rate" not in html and "predicted-rating" not in html


def test_the_api_gives_the_page_s_answer(world):
    user = _crime_fan(world)
    film = world["movies"]["Crime"][6]
    api = APIClient()
    url = f"/api/v1/movies/{film.pk}/predicted-rating/"
    assert api.get(url).status_code in (401, 403)
    api.force_authenticate(user)
    body = api.get(url).json()
    prediction = selectors.predicted_rating(user_id=user.pk, movie_id=film.pk)
    assert body["status"] == "predicted" and body["predicted_rating"] == prediction.stars
    assert body["note"] == prediction.note and body["model_version"] == prediction.model_version
    RatingFactory(user=user, movie=film, score=Decimal("2.5"))
    body = api.get(url).json()
    assert body["status"] == "rated" and body["predicted_rating"] is None
    assert api.get("/api/v1/movies/999999/predicted-rating/").status_code == 404
