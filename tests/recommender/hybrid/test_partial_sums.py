"""Sums of weight rows kept at fit time: a user served from them gets the scores of the row
given, after new, changed and removed ratings too."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recommender import benchmarks
from recommender.hybrid import cache
from recommender.hybrid.artifact import save_artifact
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.cache import load_current
from recommender.hybrid.partial import PARTIAL_PARTS
from recommender.hybrid.serving import ServingModel


@pytest.fixture(scope="module")
def kept(world, trained):
    """The toy model with the sums of every training user kept."""
    hybrid, train, _ = trained
    model = ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version="t"
    )
    assert model.keep_partial_sums(train, world.user_ids, min_ratings=1) == (np.diff(train.indptr) > 0).sum()
    return model


def _history(world, train, u: int) -> dict[int, float]:
    row = train[u]
    return {int(world.item_ids[i]): float(v) for i, v in zip(row.indices, row.data, strict=True)}


def _heaviest(train) -> int:
    return int(np.argmax(np.diff(train.indptr)))


def _unrated(world, ratings: dict[int, float]) -> list[int]:
    return [int(m) for m in world.item_ids.tolist() if int(m) not in ratings]


def _assert_kept_sums_give_the_fresh_answer(model: ServingModel, ratings: dict[int, float], user_id: int):
    """The kept sums plus the change equal the sums computed afresh from the row (to float32
    rounding), they were used (not the fallback), and the scores and top 20 agree."""
    row = model.row(ratings)
    now = model.partial_sums[user_id].now(model.hybrid.base, row)
    assert now is not None
    fresh = model.hybrid.base.partial_sums(row).sums
    for k, name in enumerate(PARTIAL_PARTS):
        np.testing.assert_allclose(now[k], fresh[k], rtol=1e-5, atol=1e-6, err_msg=name)
    expected = model.scores(ratings)
    served = model.scores(ratings, user_id=user_id)
    np.testing.assert_allclose(served, expected, rtol=0, atol=1e-5 * float(np.abs(expected).max()))
    assert [p.movie_id for p in model.recommend(ratings, n=20, user_id=user_id)] == [
        p.movie_id for p in model.recommend(ratings, n=20)
    ]


def test_every_unchanged_history_scores_the_same_to_the_bit_from_its_kept_sums(world, trained, kept):
    _, train, _ = trained
    for u in np.flatnonzero(np.diff(train.indptr) > 0):
        ratings = _history(world, train, u)
        user_id = int(world.user_ids[u])
        np.testing.assert_array_equal(kept.scores(ratings, user_id=user_id), kept.scores(ratings))


@pytest.mark.parametrize("score", [5.0, 4.0, 3.0, 1.0])
def test_a_new_rating_adds_its_movies_weight_rows_to_the_kept_sums(world, trained, kept, score):
    _, train, _ = trained
    u = _heaviest(train)
    ratings = _history(world, train, u)
    ratings[_unrated(world, ratings)[0]] = score
    _assert_kept_sums_give_the_fresh_answer(kept, ratings, int(world.user_ids[u]))


@pytest.mark.parametrize(
    ("low", "high", "after"),
    [(4.0, 5.0, 1.0), (0.5, 2.5, 5.0), (0.5, 2.5, 3.0), (4.0, 5.0, 3.0), (4.0, 4.5, 5.0), (1.0, 1.0, 2.0)],
    ids=[
        "loved-to-disliked",
        "disliked-to-loved",
        "disliked-to-middle",
        "loved-to-middle",
        "within-loved",
        "within-disliked",
    ],
)
def test_a_changed_rating_moves_its_movie_between_the_parts_of_the_kept_sums(
    world, trained, kept, low, high, after
):
    _, train, _ = trained
    u = _heaviest(train)
    ratings = _history(world, train, u)
    movie = next(m for m, r in ratings.items() if low <= r <= high)
    ratings[movie] = after
    _assert_kept_sums_give_the_fresh_answer(kept, ratings, int(world.user_ids[u]))


def test_a_removed_rating_subtracts_its_movies_weight_rows_from_the_kept_sums(world, trained, kept):
    _, train, _ = trained
    u = _heaviest(train)
    ratings = _history(world, train, u)
    loved = next(m for m, r in ratings.items() if r >= 4.0)
    disliked = next(m for m, r in ratings.items() if r <= 2.0)
    del ratings[loved], ratings[disliked]
    _assert_kept_sums_give_the_fresh_answer(kept, ratings, int(world.user_ids[u]))


def test_new_changed_and_removed_ratings_together_fold_in_like_a_fresh_row(world, trained, kept):
    _, train, _ = trained
    rng = np.random.default_rng(3)
    for u in np.flatnonzero(np.diff(train.indptr) >= 10):  # five changes stay under half the row
        ratings = _history(world, train, u)
        rated = list(ratings)
        for m in rng.choice(rated, 2, replace=False).tolist():
            ratings[m] = float(rng.choice([1.0, 3.0, 4.5]))
        del ratings[rated[0]]
        for m in rng.choice(_unrated(world, ratings), 2, replace=False).tolist():
            ratings[m] = float(rng.choice([1.0, 3.0, 5.0]))
        _assert_kept_sums_give_the_fresh_answer(kept, ratings, int(world.user_ids[u]))


def test_a_history_mostly_changed_since_training_is_computed_afresh(world, trained, kept):
    _, train, _ = trained
    u = _heaviest(train)
    ratings = dict(list(_history(world, train, u).items())[:3])
    ratings.update({m: 4.0 for m in _unrated(world, ratings)[:3]})
    user_id = int(world.user_ids[u])
    assert kept.partial_sums[user_id].now(kept.hybrid.base, kept.row(ratings)) is None
    np.testing.assert_array_equal(kept.scores(ratings, user_id=user_id), kept.scores(ratings))


def test_another_users_id_still_gives_the_scores_of_the_ratings_given(world, trained, kept):
    _, train, _ = trained
    users = np.flatnonzero(np.diff(train.indptr) > 0)
    ratings = _history(world, train, users[0])
    expected = kept.scores(ratings)
    served = kept.scores(ratings, user_id=int(world.user_ids[users[1]]))
    np.testing.assert_allclose(served, expected, rtol=0, atol=1e-5 * float(np.abs(expected).max()))


def test_the_kept_sums_are_saved_with_the_model_and_cannot_be_changed_by_a_caller(
    tmp_path, world, trained, kept
):
    _, train, _ = trained
    save_artifact(kept, tmp_path)
    cache.forget_loaded()
    loaded = load_current(tmp_path)
    assert loaded.partial_sums.keys() == kept.partial_sums.keys()
    u = _heaviest(train)
    user_id = int(world.user_ids[u])
    np.testing.assert_array_equal(loaded.partial_sums[user_id].sums, kept.partial_sums[user_id].sums)
    ratings = _history(world, train, u)
    np.testing.assert_array_equal(loaded.scores(ratings, user_id=user_id), kept.scores(ratings))
    with pytest.raises(ValueError, match="read-only"):
        loaded.partial_sums[user_id].sums[0, 0] = 1.0
    cache.forget_loaded()


def test_a_model_saved_before_sums_were_kept_loads_without_them_and_scores_the_same(
    tmp_path, world, trained, kept
):
    _, train, _ = trained
    path = save_artifact(kept, tmp_path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith("partial_")}
    meta = json.loads(arrays["meta"].tobytes().decode())
    del meta["partial_parts"]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    cache.forget_loaded()
    loaded = load_current(tmp_path)
    assert loaded.partial_sums == {}
    u = _heaviest(train)
    ratings = _history(world, train, u)
    np.testing.assert_array_equal(
        loaded.scores(ratings, user_id=int(world.user_ids[u])), kept.scores(ratings)
    )
    cache.forget_loaded()


def test_only_the_longest_histories_are_kept(world, trained):
    hybrid, train, _ = trained
    model = ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version="t"
    )
    counts = np.diff(train.indptr)
    assert model.keep_partial_sums(train, world.user_ids, min_ratings=1, most=3) == 3
    longest = {int(world.user_ids[u]) for u in np.argsort(-counts, kind="stable")[:3]}
    assert set(model.partial_sums) == longest
    assert model.keep_partial_sums(train, world.user_ids, min_ratings=int(counts.max()) + 1) == 0


@pytest.mark.slow
def test_on_every_ml_latest_small_user_kept_sums_give_the_fresh_scores():
    """The real catalogue (9,066 movies, histories up to 2,391 ratings): unchanged rows to the
    bit, and after two new, two changed and one removed rating to float32 rounding, with the
    same top 20."""
    from recommender.management.commands.evaluate_recommender import content_vectors

    ratings = benchmarks.LOADERS["ml-latest-small"]()
    hybrid = Hybrid(content_vectors=content_vectors(ratings, content="tfidf")[0]).fit(ratings.matrix)
    model = ServingModel(
        hybrid, item_ids=ratings.item_ids, titles=ratings.titles, genres=ratings.genres, version="t"
    )
    model.keep_partial_sums(ratings.matrix, ratings.user_ids, min_ratings=1, most=ratings.n_users)
    rng = np.random.default_rng(0)
    for u in range(ratings.n_users):
        history = _history(ratings, ratings.matrix, u)
        user_id = int(ratings.user_ids[u])
        np.testing.assert_array_equal(model.scores(history, user_id=user_id), model.scores(history))
        rated = list(history)
        for m in rng.choice(rated, 2, replace=False).tolist():
            history[m] = float(rng.choice([1.0, 3.0, 4.5, 5.0]))
        del history[rated[-1]]
        for m in rng.choice(ratings.item_ids, 2, replace=False).tolist():
            history.setdefault(int(m), float(rng.choice([1.0, 3.0, 4.5])))
        _assert_kept_sums_give_the_fresh_answer(model, history, user_id)
