"""The serving shortcuts give exactly the answers of the plain computations they replace."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.hybrid.blend import Hybrid
from recommender.hybrid.cf import neighbours
from recommender.hybrid.ranking import best_first, k_smallest, zscore
from recommender.hybrid.serving import ServingModel


def _awkward_vectors(rng, n: int):
    """Distinct values, heavy ties, long runs of zeros and infinities, and a sorted run."""
    yield rng.standard_normal(n).astype(np.float32)
    yield rng.integers(0, 40, n).astype(np.float32)
    spiky = rng.standard_normal(n).astype(np.float32)
    spiky[rng.random(n) < 0.6] = 0.0
    spiky[rng.random(n) < 0.05] = np.inf
    yield spiky
    yield np.sort(rng.standard_normal(n)).astype(np.float32)[::-1].copy()


def test_k_smallest_finds_the_set_argpartition_finds_or_leaves_the_choice_to_it():
    rng = np.random.default_rng(0)
    answered = 0
    for n in (50, 1_000, 9_066):
        for k in (1, 20, 100):
            for values in _awkward_vectors(rng, n):
                found = k_smallest(values, k)
                if found is None:
                    continue
                answered += 1
                np.testing.assert_array_equal(found, np.sort(np.argpartition(values, k)[:k]))
    assert answered >= 5
    assert k_smallest(rng.standard_normal(9_066).astype(np.float32), 100) is not None


def test_the_best_first_order_is_the_one_argpartition_and_a_stable_sort_give():
    rng = np.random.default_rng(1)
    for values in _awkward_vectors(rng, 9_066):
        s = -values  # highest first, blocked items at -inf
        for n in (1, 12, 20):
            expected = np.argpartition(-s, n - 1)[:n]
            expected = expected[np.argsort(-s[expected], kind="stable")]
            np.testing.assert_array_equal(best_first(s, n), expected)


def test_the_candidate_pool_is_the_union_of_each_scorers_unseen_top_items():
    rng = np.random.default_rng(2)
    n_items = 3_000
    rows = sp.random(3, n_items, density=0.05, format="csr", dtype=np.float32, random_state=3)
    names = ("ease", "als", "knn", "co_liked", "user_knn", "content", "popularity")
    vectors = list(_awkward_vectors(rng, n_items))
    scores = {name: np.stack([vectors[(i + r) % 4] for r in range(3)]) for i, name in enumerate(names)}
    hybrid = Hybrid.__new__(Hybrid)
    hybrid.pool_size = 100
    seen = rows.toarray() != 0
    expected = np.zeros_like(seen)
    for name in names:
        s = np.where(seen, -np.inf, scores[name])
        np.put_along_axis(expected, np.argpartition(-s, 100, axis=1)[:, :100], True, axis=1)
    np.testing.assert_array_equal(hybrid.pool(scores, rows), expected & ~seen)


def _bincount_sum(matrix, items, weights=None):
    """The plain gather: every stored cell of the given rows, added up by np.bincount."""
    picked = matrix[items]
    values = picked.data if weights is None else picked.data * np.repeat(weights, np.diff(picked.indptr))
    return np.bincount(picked.indices, weights=values, minlength=matrix.shape[1]).astype(np.float32)


def test_a_long_history_adds_up_weight_rows_exactly_like_the_gather():
    matrix = sp.random(3_000, 3_000, density=0.03, format="csr", dtype=np.float32, random_state=4)
    rng = np.random.default_rng(5)
    items = np.sort(rng.choice(3_000, 600, replace=False)).astype(np.int32)
    assert np.diff(matrix.indptr)[items].sum() > 20_000  # the long-history branch
    weights = rng.choice([0.5, 1.3, 2.7, 3.0], len(items)).astype(np.float32)
    n = matrix.shape[1]
    np.testing.assert_array_equal(neighbours._gather_rows(matrix, items, n), _bincount_sum(matrix, items))
    np.testing.assert_array_equal(
        neighbours._gather_rows(matrix, items, n, weights), _bincount_sum(matrix, items, weights)
    )


def test_standardising_gives_the_same_bits_as_mean_and_std():
    m = np.random.default_rng(6).standard_normal((4, 9_066)).astype(np.float32) * 3 + 1
    expected = (m - m.mean(axis=1, keepdims=True)) / np.maximum(m.std(axis=1, keepdims=True), 1e-6)
    np.testing.assert_array_equal(zscore(m), expected)


def test_one_users_ease_and_knn_parts_are_the_ones_a_batch_gives_them(trained):
    hybrid, train, _ = trained
    base = hybrid.base
    batch = base.scores(train[:2])
    for u in (0, 1):
        alone = base.scores(train[u])
        for name in ("ease", "ease_liked", "ease_disliked", "knn", "knn_liked"):
            np.testing.assert_array_equal(alone[name][0], batch[name][u], err_msg=name)


def test_a_movie_rated_zero_is_left_out_of_the_fold_in_but_never_recommended_back(world, trained):
    hybrid, _, _ = trained
    model = ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version="t"
    )
    ratings = {int(world.item_ids[0]): 5.0, int(world.item_ids[4]): 4.0}
    first = model.recommend(ratings, n=5)[0].movie_id
    with_zero = {**ratings, first: 0.0}
    np.testing.assert_array_equal(model.scores(with_zero), model.scores(ratings))
    assert first not in [p.movie_id for p in model.recommend(with_zero, n=20)]
