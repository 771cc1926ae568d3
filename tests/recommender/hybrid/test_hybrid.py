from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.hybrid import cf, data
from recommender.hybrid.blend import FEATURES
from recommender.hybrid.evaluation import evaluate_top_n
from recommender.hybrid.serving import ServingModel

from .conftest import GENRES


def _serving(world, hybrid) -> ServingModel:
    return ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version="t1"
    )


def test_the_holdout_split_is_seeded_and_keeps_every_user_in_train(world):
    train_a, test_a = data.holdout_split(world.matrix, seed=3)
    train_b, test_b = data.holdout_split(world.matrix, seed=3)
    assert (train_a != train_b).nnz == 0 and (test_a != test_b).nnz == 0
    assert train_a.nnz + test_a.nnz == world.matrix.nnz
    assert (np.diff(train_a.indptr) > 0).all()
    share = test_a.nnz / world.matrix.nnz
    assert 0.15 < share < 0.25


def test_the_hybrid_beats_popularity_on_held_out_ratings(trained):
    hybrid, train, test = trained
    popularity = cf.Popularity().fit(train)
    assert evaluate_top_n(hybrid, train, test).ndcg > 1.2 * evaluate_top_n(popularity, train, test).ndcg


def test_a_user_who_loves_one_genre_gets_that_genre(world, trained):
    hybrid, _, _ = trained
    model = _serving(world, hybrid)
    horror = [int(m) for m, g in zip(world.item_ids, world.genres, strict=True) if g == ["Horror"]]
    ratings = {m: 5.0 for m in horror[:6]}
    picks = model.recommend(ratings, n=10)
    genres = [world.genres[model._index[p.movie_id]][0] for p in picks]
    assert genres.count("Horror") >= 7
    assert not set(ratings) & {p.movie_id for p in picks}


def test_a_cold_start_user_gets_recommendations_from_popularity_and_content(world, trained):
    hybrid, _, _ = trained
    model = _serving(world, hybrid)
    assert len(model.recommend({}, n=10)) == 10
    comedy = [int(m) for m, g in zip(world.item_ids, world.genres, strict=True) if g == ["Comedy"]]
    picks = model.recommend({comedy[0]: 5.0}, n=10)
    assert len(picks) == 10
    assert [world.genres[model._index[p.movie_id]][0] for p in picks].count("Comedy") >= 5


def test_a_brand_new_movie_without_ratings_has_similar_movies_from_content(world):
    from recommender.hybrid.blend import Hybrid

    from .conftest import toy_vectors

    # Movie 80 loses all its ratings: it is in the catalogue, nobody has rated it.
    matrix = sp.lil_matrix(world.matrix)
    matrix[:, world.n_items - 1] = 0
    matrix = sp.csr_matrix(matrix)
    matrix.eliminate_zeros()
    hybrid = Hybrid(content_vectors=toy_vectors(world), als_factors=8, als_iterations=4, pool_size=30).fit(
        matrix
    )
    model = _serving(world, hybrid)
    new_id = int(world.item_ids[-1])
    similar = model.similar_movies(new_id, n=5)
    assert len(similar) == 5
    genre = world.genres[-1][0]
    assert all(world.genres[model._index[p.movie_id]][0] == genre for p in similar)
    # and it can be recommended to someone whose taste matches
    same_genre = [int(m) for m, g in zip(world.item_ids, world.genres, strict=True) if g == [genre]][:8]
    scores = model.scores({m: 5.0 for m in same_genre})
    assert np.isfinite(scores[-1])
    assert scores[-1] > np.median(scores)


def test_a_disliked_movie_pushes_its_look_alikes_down(world, trained):
    hybrid, _, _ = trained
    model = _serving(world, hybrid)
    crime = [int(m) for m, g in zip(world.item_ids, world.genres, strict=True) if g == ["Crime"]]
    ratings = {crime[0]: 4.0}
    before = model.scores(ratings)
    after = model.scores(ratings, disliked=[crime[1]])
    idx = [model._index[m] for m in crime[2:]]
    assert (after[idx] < before[idx]).all()


def test_every_feature_of_the_blend_has_a_learned_weight(trained):
    hybrid, _, _ = trained
    weights = hybrid.describe_weights()
    assert len(weights) == 2 * len(FEATURES)
    assert any(abs(w) > 0 for w in weights.values())


def test_genres_in_the_toy_world_are_the_expected_ones(world):
    assert {g[0] for g in world.genres} == set(GENRES)


def test_the_single_user_fast_paths_score_like_the_batch_paths(world, trained):
    hybrid, train, _ = trained
    base = hybrid.base
    batch = train[:40]
    for scorer in (
        base.ease,
        base.ease_loved,
        base.knn,
        base.content,
        base.als,
        base.co_liked,
        base.user_knn,
    ):
        many = scorer.score(batch)
        for u in (0, 7, 39):
            np.testing.assert_allclose(scorer.score(train[u]), many[u : u + 1], rtol=1e-3, atol=1e-4)


def test_co_liked_ranks_what_members_who_loved_the_same_movie_also_loved():
    # items: 0 = anchor, 1 = loved by the anchor's fans, 2 = popular with everyone else
    triples = [(u, 0, 5.0) for u in range(10)] + [(u, 1, 5.0) for u in range(8)]
    triples += [(u, 2, 5.0) for u in range(10, 40)]
    users, items, values = (np.array(c) for c in zip(*triples, strict=True))
    matrix = sp.csr_matrix((values, (users, items)), shape=(41, 3), dtype=np.float32)
    model = cf.CoLiked(shrink=1.0).fit(matrix)
    fan = model.score(sp.csr_matrix(([5.0], ([0], [0])), shape=(1, 3)))[0]
    assert fan[1] > fan[2]
    # nobody's taste known yet: the share of members who loved each movie
    newcomer = model.score(sp.csr_matrix((1, 3), dtype=np.float32))[0]
    np.testing.assert_allclose(newcomer, [10 / 41, 8 / 41, 30 / 41], rtol=1e-5)
    # a movie rated 2 says nothing about taste: same as no rating
    panned = model.score(sp.csr_matrix(([2.0], ([0], [0])), shape=(1, 3)))[0]
    np.testing.assert_allclose(panned, newcomer)


def test_thin_profiles_get_their_own_blend_of_plain_scores(trained):
    hybrid, _, _ = trained
    n = len(FEATURES)
    assert not np.allclose(hybrid.thin_weights, hybrid.weights)
    assert (hybrid.thin_weights[n:] == 0).all()
    # an average of the folds' blends, each scaled to a largest weight of 1
    assert 0 < np.abs(hybrid.thin_weights[:n]).max() <= 1.0


def test_user_knn_trusts_members_who_share_several_movies_over_one():
    # user 0 rated items 0 and 1; member 1 shares both and loved 2; members 2-4 share
    # only item 0 and loved 3; members 5-9 merely watched 3
    dense = np.zeros((10, 4), dtype=np.float32)
    dense[0, [0, 1]] = 5.0
    dense[1, [0, 1, 2]] = 5.0
    dense[2:5, [0, 3]] = 5.0
    dense[5:, 3] = 1.0
    model = cf.UserKNN().fit(sp.csr_matrix(dense))
    scores = model.score(sp.csr_matrix(dense[:1]))[0]
    assert scores[2] > scores[3] > 0
    assert scores[0] == scores[1] == 0  # the user's own movies never score


def test_scores_are_the_learned_blend_of_features_for_thin_and_full_profiles(trained):
    hybrid, train, _ = trained
    rows = data.reduce_users(train[:30], np.arange(0, 30, 3), keep=4, seed=0)
    thin = np.diff(rows.indptr) <= 10
    assert thin.any() and not thin.all()
    feats = hybrid.features(hybrid.base, rows)
    expected = np.where(thin[:, None], feats @ hybrid.thin_weights, feats @ hybrid.weights)
    pool = hybrid.pool(hybrid.base.scores(rows), rows)
    scores = hybrid.score(rows)
    np.testing.assert_allclose(scores[pool], expected[pool], rtol=1e-4, atol=1e-4)
    for r in range(rows.shape[0]):  # outside the pool ranks below everything in it
        assert scores[r][~pool[r]].max(initial=-np.inf) < scores[r][pool[r]].min()


def test_unknown_movies_and_empty_ratings_are_ignored_when_folding_a_user_in(world, trained):
    hybrid, _, _ = trained
    model = _serving(world, hybrid)
    a, b = int(world.item_ids[3]), int(world.item_ids[1])
    row = model.row({a: 4.0, 999_999: 5.0, b: 0.0, -7: 3.0})
    assert row.indices.tolist() == [3] and row.data.tolist() == [4.0]
    assert model.columns([a, 999_999, b]).tolist() == [3, 1]  # order kept, unknown dropped
    assert model.columns([]).tolist() == []
