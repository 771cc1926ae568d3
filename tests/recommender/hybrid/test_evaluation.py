from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.hybrid import data
from recommender.hybrid.evaluation import evaluate_top_n, top_k


class Fixed:
    """A 'model' that returns the same scores for every user."""

    name = "fixed"

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float32)

    def score(self, rows):
        return np.tile(self.scores, (rows.shape[0], 1))


def test_top_k_returns_the_best_items_best_first():
    assert top_k(np.array([[0.1, 0.9, 0.5, 0.7]]), 3).tolist() == [[1, 3, 2]]


def test_metrics_match_a_hand_computed_case():
    # one user, trained on item 0; held out: item 1 (rated 5) and item 2 (rated 2, not relevant)
    train = sp.csr_matrix(([4.0], ([0], [0])), shape=(1, 12))
    test = sp.csr_matrix(([5.0, 2.0], ([0, 0], [1, 2])), shape=(1, 12))
    scores = np.arange(12, dtype=np.float32)[::-1].copy()  # item 0 best (but rated), then 1, 2, ...
    result = evaluate_top_n(Fixed(scores), train, test)
    assert result.ndcg == 1.0 and result.recall == 1.0 and result.hit_rate == 1.0
    assert result.precision == 0.1
    scores[1] = -1.0  # the relevant item falls out of the top 10
    missed = evaluate_top_n(Fixed(scores), train, test)
    assert missed.ndcg == 0.0 and missed.hit_rate == 0.0


def test_reducing_users_keeps_five_ratings_and_leaves_others_alone():
    rng = np.random.default_rng(0)
    dense = (rng.random((6, 40)) < 0.5) * rng.integers(1, 6, (6, 40))
    matrix = sp.csr_matrix(dense.astype(np.float32))
    reduced = data.reduce_users(matrix, np.array([1, 3]), keep=5, seed=0)
    counts = np.diff(reduced.indptr)
    assert counts[1] == counts[3] == 5
    assert (reduced[0] != matrix[0]).nnz == 0
    # the kept ratings are real ones, with their values
    assert (reduced[1].multiply(matrix[1] != 0) != reduced[1]).nnz == 0


def test_k_folds_cover_every_rating_exactly_once():
    matrix = sp.random(20, 30, density=0.3, format="csr", random_state=0, dtype=np.float32)
    matrix.data = np.ceil(matrix.data * 5)
    total = sp.csr_matrix(matrix.shape, dtype=np.float32)
    for _, test in data.kfold_triples(matrix, folds=5, seed=1):
        total = total + test
    assert (total != matrix).nnz == 0


def test_the_rating_blend_predicts_held_out_ratings_better_than_the_mean():
    from recommender.hybrid import cf

    from .conftest import make_world

    world = make_world(users=80, items=40, seed=1)
    train, test = data.holdout_split(world.matrix, seed=0)
    coo = test.tocoo()
    model = cf.RatingBlend(factors=8, iterations=5).fit(train)
    predicted = model.predict(coo.row, coo.col)
    assert ((predicted >= 1.0) & (predicted <= 5.0)).all()
    rmse = np.sqrt(np.mean((predicted - coo.data) ** 2))
    baseline = np.sqrt(np.mean((train.data.mean() - coo.data) ** 2))
    assert rmse < 0.8 * baseline


def test_knn_baseline_lifts_an_item_whose_neighbours_the_user_loved():
    from recommender.hybrid import cf

    # items 0 and 1 are liked by the same people; user 9 loved 0 and has not rated 1
    dense = np.zeros((10, 4), dtype=np.float32)
    dense[:8, 0] = dense[:8, 1] = [5, 5, 5, 5, 1, 1, 1, 1]
    dense[:8, 2] = dense[:8, 3] = 3.0
    dense[8, [0, 2]] = [1.0, 3.0]
    dense[9, [0, 2]] = [5.0, 3.0]
    model = cf.KNNBaseline(shrink=0.0).fit(sp.csr_matrix(dense))
    fan, critic = model.predict(np.array([9, 8]), np.array([1, 1]))
    assert fan > 4.0 > 2.0 > critic
