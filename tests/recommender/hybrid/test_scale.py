"""The synthetic sites of ``bench_scale`` and the EASE cap that keeps a big catalogue in memory."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.hybrid import data, synthetic
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.cf import EASE
from recommender.hybrid.cf.ease import capped_items

from .conftest import toy_vectors


def small_real(seed: int = 0) -> sp.csr_matrix:
    """A skewed little rating matrix standing in for the real one: 120 members, 90 films,
    film j rated with odds falling as 1 / (j + 1)."""
    rng = np.random.default_rng(seed)
    odds = 1.0 / np.arange(1, 91)
    rows, cols, vals = [], [], []
    for u in range(120):
        n = int(rng.integers(5, 30))
        films = rng.choice(90, size=n, replace=False, p=odds / odds.sum())
        rows += [u] * n
        cols += films.tolist()
        vals += rng.choice([1.0, 2.5, 3.0, 4.0, 4.5, 5.0], size=n).tolist()
    return sp.csr_matrix((vals, (rows, cols)), shape=(120, 90), dtype=np.float32)


def test_a_synthetic_site_has_the_asked_size_and_half_star_ratings():
    model = synthetic.fit_low_rank(small_real(), rank=4)
    drawn = synthetic.generate(model, users=3, films=2, seed=0)
    assert drawn.matrix.shape == (360, 180)
    assert len(drawn.templates) == 180
    # every real film is copied exactly twice when the catalogue is doubled
    assert np.bincount(drawn.templates, minlength=90).tolist() == [2] * 90
    values = drawn.matrix.data
    assert values.min() >= 0.5 and values.max() <= 5.0
    assert np.array_equal(values * 2, np.round(values * 2))
    # members rate about as much as the real ones, three times over
    assert 0.7 * 3 * small_real().nnz < drawn.matrix.nnz < 1.3 * 3 * small_real().nnz


def test_the_same_seed_draws_the_same_site_and_another_seed_another():
    model = synthetic.fit_low_rank(small_real(), rank=4)
    first = synthetic.generate(model, users=1, films=1, seed=3).matrix
    again = synthetic.generate(model, users=1, films=1, seed=3).matrix
    other = synthetic.generate(model, users=1, films=1, seed=4).matrix
    assert (first != again).nnz == 0
    assert first.shape != other.shape or (first != other).nnz > 0


def test_synthetic_popularity_keeps_the_real_skew():
    real = small_real()
    model = synthetic.fit_low_rank(real, rank=4)
    drawn = synthetic.generate(model, users=2, films=3, seed=0)
    # the most rated tenth of films holds several times its share of ratings, as in the real set
    assert synthetic.top_share(real) > 0.3
    assert synthetic.top_share(drawn.matrix) > 0.3
    # and it is the copies of the real set's most rated films (its first nine columns)
    counts = np.bincount(drawn.matrix.indices, minlength=drawn.matrix.shape[1])
    popular = drawn.templates < 9
    assert counts[popular].mean() > 3 * counts[~popular].mean()


def test_content_of_a_synthetic_film_is_close_to_its_template():
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((10, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    templates = np.array([3, 3, 7])
    out = synthetic.content_for(vectors, templates, seed=0)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert (out * vectors[templates]).sum(axis=1).min() > 0.9


def test_the_cap_keeps_the_most_rated_films_in_column_order():
    counts = np.array([5, 1, 9, 3, 9, 2, 7])
    assert capped_items(counts, min_count=2, max_items=None).tolist() == [0, 2, 3, 4, 5, 6]
    # ties at the cut keep the lower column; the result is in column order
    assert capped_items(counts, min_count=2, max_items=3).tolist() == [2, 4, 6]
    assert capped_items(counts, min_count=2, max_items=10).tolist() == [0, 2, 3, 4, 5, 6]


def test_capped_ease_holds_only_the_cap_and_scores_the_rest_zero():
    train = small_real()
    capped = EASE(l2=10.0, max_items=20).fit(train)
    assert capped.weights.shape == (20, 20)
    counts = np.bincount(train.indices, minlength=train.shape[1])
    assert counts[capped.items].min() >= np.sort(counts)[::-1][19]
    scores = capped.score(train[:40])
    outside = np.setdiff1d(np.arange(train.shape[1]), capped.items)
    assert np.all(scores[:, outside] == 0)
    assert np.any(scores[:, capped.items] != 0)


def test_a_hybrid_with_capped_ease_still_ranks_films_outside_the_cap():
    from .conftest import make_world

    world = make_world(users=120, items=80, seed=1)
    train, test = data.holdout_split(world.matrix, seed=0)
    hybrid = Hybrid(
        content_vectors=toy_vectors(world),
        als_factors=8,
        als_iterations=4,
        pool_size=30,
        folds=1,
        ease_max_items=20,
    ).fit(train)
    assert len(hybrid.base.ease.items) == 20
    assert len(hybrid.base.ease_loved.items) <= 20
    outside = np.setdiff1d(np.arange(world.n_items), hybrid.base.ease.items)
    scores = hybrid.score(train[:60])
    scores[train[:60].nonzero()] = -np.inf
    top = np.argsort(-scores, axis=1)[:, :10]
    # films EASE does not hold still reach members' top 10 through the other scorers
    assert np.isin(top, outside).any()
    # and within a member's scores they are ranked, not all tied at one value
    assert len(np.unique(scores[0, outside])) > len(outside) // 2
