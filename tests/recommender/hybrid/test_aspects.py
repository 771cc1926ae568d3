"""The aspect scorer: what a user's reviews value against what reviews say of each movie."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.hybrid import cache, data
from recommender.hybrid.artifact import save_artifact
from recommender.hybrid.aspects import AspectScorer, mean_aspects
from recommender.hybrid.blend import FEATURES, Hybrid
from recommender.hybrid.cache import load_current
from recommender.hybrid.serving import ServingModel

NAMES = ["acting", "pacing", "story"]


def test_a_profile_is_the_mean_score_of_each_aspect_over_the_reviews():
    reviews = [
        [{"aspect": "acting", "score": 0.8}, {"aspect": "story", "score": -0.4}],
        [{"aspect": "acting", "score": 0.4}, {"aspect": "soundtrack", "score": 0.9}],
        [],
    ]
    np.testing.assert_allclose(mean_aspects(reviews, NAMES), [0.6, 0.0, -0.4])
    assert not mean_aspects([], NAMES).any()


def test_a_user_who_praises_acting_gets_the_movie_whose_reviewers_praise_acting_first():
    profiles = np.array([[0.9, 0.0, 0.0], [-0.8, 0.0, 0.0], [0.0, 0.7, 0.7]], dtype=np.float32)
    scorer = AspectScorer(profiles, names=NAMES)
    scores = scorer.score(scorer.preferences({"acting": 0.7})[None, :], 1)[0]
    assert scores.argmax() == 0 and scores[1] < 0 and scores[2] == 0


def test_no_reviews_mean_zero_scores():
    assert not AspectScorer(n_items=5).score(np.zeros((2, 0)), 2).any()
    assert not AspectScorer(np.ones((5, 3)), names=NAMES).score(None, 2).any()
    empty = AspectScorer(np.zeros((5, 3)), names=NAMES)
    assert not empty.score(empty.preferences({"acting": 1.0})[None, :], 1).any()


def aspect_world(*, users: int = 180, items: int = 72, seed: int = 0):
    """Each user values one aspect (their reviews praise it) and loves the films whose
    reviewers praise that aspect; ratings alone cannot tell the three groups of films apart
    for a brand-new film, and the content vectors tell nothing."""
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(1.5, items) + 0.3
    triples = []
    for u in range(users):
        for i in range(items):
            loved = i % 3 == u % 3
            if rng.random() < min(0.9, (0.3 if loved else 0.12) * popularity[i]):
                rating = rng.choice([4.0, 4.5, 5.0]) if loved else rng.choice([2.0, 2.5, 3.0, 3.5])
                triples.append((u + 1, i + 1, rating))
    arr = np.array(triples)
    world = data.from_triples(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2], name="aspects")
    profiles = np.full((items, 3), -0.2, dtype=np.float32)
    profiles[np.arange(items), np.arange(items) % 3] = 0.8
    preferences = np.zeros((world.n_users, 3), dtype=np.float32)
    preferences[np.arange(world.n_users), np.arange(world.n_users) % 3] = 0.6
    return world, profiles, preferences


@pytest.fixture(scope="module")
def aspect_hybrids():
    world, profiles, preferences = aspect_world()
    train, test = data.holdout_split(world.matrix, seed=0)
    options = dict(
        content_vectors=np.ones((world.n_items, 8), dtype=np.float32),
        als_factors=8,
        als_iterations=4,
        pool_size=world.n_items,
    )
    with_aspects = Hybrid(movie_aspects=profiles, aspect_names=NAMES, **options).fit(
        train, user_aspects=preferences
    )
    without = Hybrid(**options).fit(train)
    return world, with_aspects, without, train, preferences


def test_the_blend_learns_a_weight_for_aspects_only_when_there_are_reviews(aspect_hybrids):
    _, with_aspects, without, _, _ = aspect_hybrids
    a = FEATURES.index("aspects")
    assert with_aspects.weights[a] > 0
    assert without.weights[a] == 0 and without.thin_weights[a] == 0


def test_without_a_users_aspects_the_scores_are_those_of_the_other_features(aspect_hybrids):
    _, with_aspects, _, train, preferences = aspect_hybrids
    rows = train[:20]
    plain = with_aspects.score(rows)
    zero = with_aspects.score(rows, aspects=np.zeros_like(preferences[:20]))
    np.testing.assert_array_equal(plain, zero)
    assert not np.array_equal(with_aspects.score(rows, aspects=preferences[:20]), plain)


def test_a_saved_model_keeps_its_aspect_profiles_and_serves_a_users_aspects(tmp_path, aspect_hybrids):
    world, with_aspects, _, _, _ = aspect_hybrids
    model = ServingModel(
        with_aspects, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version="a1"
    )
    save_artifact(model, tmp_path)
    cache.forget_loaded()
    loaded = load_current(tmp_path)
    assert loaded.hybrid.base.aspects.names == NAMES
    np.testing.assert_array_equal(loaded.hybrid.base.aspects.profiles, with_aspects.base.aspects.profiles)
    ratings = {int(world.item_ids[1]): 3.0, int(world.item_ids[2]): 3.0}
    for prefers in NAMES:  # item i's reviewers praise NAMES[i % 3]
        picks = loaded.recommend(ratings, n=6, aspects={prefers: 0.8})
        share = np.mean([(int(p.movie_id) - 1) % 3 == NAMES.index(prefers) for p in picks])
        assert share >= 0.5
    np.testing.assert_allclose(loaded.scores(ratings), model.scores(ratings), rtol=1e-5, atol=1e-5)


def test_a_row_without_ratings_still_takes_aspects_one_user_at_a_time(aspect_hybrids):
    world, with_aspects, _, _, _ = aspect_hybrids
    empty = sp.csr_matrix((1, world.n_items), dtype=np.float32)
    prefs = np.array([[0.0, 0.0, 0.9]], dtype=np.float32)
    scores = with_aspects.score(empty, aspects=prefs)[0]
    top = np.argsort(-scores)[:6]
    assert np.mean(top % 3 == 2) >= 0.5
