"""A nightly retrain records its validation figures, and one that validates worse than the
served model by more than 3% is kept on disk but not swapped in."""

from __future__ import annotations

import logging
import os
from decimal import Decimal

import numpy as np
import pytest

from recommender.models import ModelArtifact
from recommender.services import recommendations, recommender_model
from recommender.tasks.recommendations import recommender_retrain
from tests.factories import RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _random_raters(movies: list, *, members: int, seed: int) -> None:
    """Members who rate at random: they make held-out ratings unpredictable, so a model
    trained with them validates worse."""
    rng = np.random.default_rng(seed)
    for _ in range(members):
        user = UserFactory()
        for movie in rng.choice(movies, size=14, replace=False):
            RatingFactory(user=user, movie=movie, score=Decimal(str(rng.choice([1.0, 2.0, 4.5, 5.0]))))


def test_a_retrain_records_its_held_out_validation_figures(world):
    figures = world["artifact"].metrics["validation"]
    assert figures["folds"] == 3 and figures["held_out"] is True
    assert 0 < figures["ndcg10"] <= 1 and len(figures["fold_ndcg10"]) == 3
    assert figures["best_single"]


def test_a_worse_retrain_is_not_swapped_in_but_kept_on_disk_and_logged(world, model_dir, caplog):
    served = world["artifact"]
    movies = [m for group in world["movies"].values() for m in group]
    _random_raters(movies, members=60, seed=3)
    with caplog.at_level(logging.WARNING, logger="recommender.services.recommender_model"):
        version = recommender_retrain.apply(kwargs={"refresh_users": False}).get()
    worse = ModelArtifact.objects.get(kind=ModelArtifact.Kind.RECOMMENDER, version=version)
    new, old = worse.metrics["validation"]["ndcg10"], served.metrics["validation"]["ndcg10"]
    assert new < 0.97 * old  # the data really made it worse
    assert not worse.is_active
    assert "below the served model's" in worse.metrics["rejected"]
    served.refresh_from_db()
    assert served.is_active
    assert os.readlink(model_dir / "current") == os.path.basename(served.path)
    assert recommendations.current_model().version == served.version
    assert os.path.exists(worse.path) and "/rejected/" in worse.path
    assert os.path.exists(served.path)
    assert f"recommender {version} not swapped in" in caplog.text


def test_a_retrain_that_validates_as_well_is_swapped_in(world, model_dir):
    second = recommender_model.recommender_train(content="tfidf")
    assert second.is_active and "rejected" not in second.metrics
    assert os.readlink(model_dir / "current") == os.path.basename(second.path)


def test_a_forced_retrain_is_served_even_when_it_validates_worse(world, model_dir):
    movies = [m for group in world["movies"].values() for m in group]
    _random_raters(movies, members=60, seed=3)
    forced = recommender_model.recommender_train(content="tfidf", force=True)
    assert forced.is_active
    assert os.readlink(model_dir / "current") == os.path.basename(forced.path)


def test_the_retrain_rule_lets_through_a_first_model_and_a_small_drop():
    rule = recommender_model.retrain_rejection
    assert rule({"validation": {"ndcg10": 0.5}}, None) == ""
    assert rule({"validation": {"ndcg10": 0.5}}, {"weights": {}}) == ""
    assert rule({"validation": {"ndcg10": 0.486}}, {"validation": {"ndcg10": 0.5}}) == ""
    assert "2.9%" not in rule({"validation": {"ndcg10": 0.484}}, {"validation": {"ndcg10": 0.5}})
    assert "3.2% below" in rule({"validation": {"ndcg10": 0.484}}, {"validation": {"ndcg10": 0.5}})


def test_the_admin_lists_models_with_their_validation_figures_and_why_one_was_kept_out(world, client):
    ModelArtifact.objects.filter(pk=world["artifact"].pk).update(
        metrics={**world["artifact"].metrics, "rejected": "validation NDCG@10 0.4 is 20.0% below"}
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/recommender/modelartifact/")
    assert page.status_code == 200
    body = page.content.decode()
    assert str(world["artifact"].metrics["validation"]["ndcg10"]) in body
    assert "validation NDCG@10 0.4 is 20.0% below" in body
    assert "best single scorer" in body.lower()
