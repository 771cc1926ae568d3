"""The blend learned over folds, pulled towards a prior, and the guard behind it."""

from __future__ import annotations

import logging

import numpy as np

from recommender.hybrid import data, robust
from recommender.hybrid.blend import FEATURES, Hybrid, prior_weights

from .conftest import toy_vectors

NAMES = ["good", "noise"]


def _examples(rng, users: int = 30):
    """Validation users whose liked candidates score high on "good"; "noise" is random."""
    examples = []
    for _ in range(users):
        labels = (rng.random(40) < 0.2).astype(np.float32)
        labels[0] = 1.0
        good = labels * 2 + rng.normal(0, 0.5, 40)
        x = np.zeros((40, 4), dtype=np.float32)
        x[:, 0], x[:, 1] = good, rng.normal(0, 1, 40)
        ideal = (1.0 / np.log2(np.arange(2, 12)))[: int(min(labels.sum(), 10))].sum()
        examples.append((x, labels, ideal, False))
    return examples


def test_the_guard_serves_the_best_single_scorer_when_the_blend_loses_on_held_out_folds(caplog):
    rng = np.random.default_rng(0)
    folds = [_examples(rng) for _ in range(3)]
    backwards = np.array([-1.0, 0.3, 0, 0], dtype=np.float32)  # a blend that ranks the liked last
    learned = [(backwards, backwards) for _ in folds]
    with caplog.at_level(logging.WARNING, logger="recommender.hybrid.robust"):
        choice = robust.choose_blend(folds, learned, prior=np.zeros(4, dtype=np.float32), names=NAMES)
    assert choice.figures["fell_back"] is True
    assert choice.figures["best_single"] == "good"
    assert choice.figures["ndcg10"] == choice.figures["best_single_ndcg10"] > choice.figures["blend_ndcg10"]
    np.testing.assert_array_equal(choice.weights, [1, 0, 0, 0])
    np.testing.assert_array_equal(choice.thin_weights, [1, 0, 0, 0])
    assert "lost to good alone" in caplog.text


def test_a_blend_that_wins_on_held_out_folds_is_kept_and_averaged_over_them():
    rng = np.random.default_rng(1)
    folds = [_examples(rng) for _ in range(3)]
    learned = [(np.array([1.0, w, 0, 0], dtype=np.float32),) * 2 for w in (0.0, 0.1, -0.1)]
    choice = robust.choose_blend(folds, learned, prior=np.zeros(4, dtype=np.float32), names=NAMES)
    assert choice.figures["fell_back"] is False
    assert choice.figures["held_out"] is True and len(choice.figures["fold_ndcg10"]) == 3
    np.testing.assert_allclose(choice.weights, [1.0, 0.0, 0, 0], atol=1e-6)


def test_the_prior_pulls_the_blend_when_the_left_out_folds_say_it_helps():
    rng = np.random.default_rng(2)
    folds = [_examples(rng) for _ in range(3)]
    # each fold learned mostly noise; the prior is the good scorer
    learned = [(np.array([0.05, 1.0, 0, 0], dtype=np.float32),) * 2 for _ in folds]
    prior = np.array([1.0, 0, 0, 0], dtype=np.float32)
    choice = robust.choose_blend(folds, learned, prior=prior, names=NAMES)
    assert choice.figures["prior_strength"] == max(robust.PRIOR_STRENGTHS)
    assert choice.weights[0] > 0.5


def test_a_hybrid_whose_learned_blend_loses_on_validation_falls_back_and_logs_it(world, monkeypatch, caplog):
    """The blend is made to lose: every fold 'learns' a blend that ranks EASE backwards."""
    bad = np.zeros(2 * len(FEATURES), dtype=np.float32)
    bad[FEATURES.index("ease")] = -1.0
    monkeypatch.setattr(robust, "learn_fold", lambda examples, active, n: (bad, bad))
    train, test = data.holdout_split(world.matrix, seed=0)
    with caplog.at_level(logging.WARNING, logger="recommender.hybrid.robust"):
        hybrid = Hybrid(
            content_vectors=toy_vectors(world), als_factors=8, als_iterations=4, pool_size=30, folds=2
        ).fit(train)
    figures = hybrid.validation
    assert figures["fell_back"] is True and figures["folds"] == 2
    assert figures["ndcg10"] > figures["blend_ndcg10"]
    best = FEATURES.index(figures["best_single"])
    assert hybrid.weights[best] == 1.0 and np.count_nonzero(hybrid.weights) == 1
    np.testing.assert_array_equal(hybrid.thin_weights, hybrid.weights)
    assert "lost to" in caplog.text
    # served as that scorer alone: its top 10 is the single scorer's
    rows = train[:5]
    served = hybrid.score(rows)
    single = hybrid.base.scores(rows)[figures["best_single"]]
    for r in range(5):
        seen = rows[r].indices
        a, b = served[r].copy(), single[r].copy()
        a[seen] = b[seen] = -np.inf
        assert set(np.argsort(-a)[:10]) == set(np.argsort(-b)[:10])


def test_a_hybrid_learns_on_several_folds_and_records_its_validation_figures(trained):
    hybrid, _, _ = trained
    figures = hybrid.validation
    assert figures["folds"] == 3 and figures["held_out"] is True
    assert len(figures["fold_ndcg10"]) == 3
    assert 0 < figures["ndcg10"] <= 1
    assert figures["best_single"] in FEATURES
    assert figures["prior_strength"] in robust.PRIOR_STRENGTHS
    assert figures["fell_back"] is False  # the guard is off in this fixture


def test_the_guard_keeps_a_blend_that_loses_when_it_is_turned_off():
    rng = np.random.default_rng(0)
    folds = [_examples(rng) for _ in range(2)]
    backwards = np.array([-1.0, 0.3, 0, 0], dtype=np.float32)
    choice = robust.choose_blend(
        folds, [(backwards, backwards)] * 2, prior=np.zeros(4, dtype=np.float32), names=NAMES, guard=False
    )
    assert choice.figures["fell_back"] is False
    assert choice.weights[0] < 0


def test_the_prior_blend_is_the_brand_new_sites_blend():
    prior = prior_weights()
    assert prior[FEATURES.index("ease")] == 1.0
    assert prior[len(FEATURES) + FEATURES.index("popularity")] == 0.5
