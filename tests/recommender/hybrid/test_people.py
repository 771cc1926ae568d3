"""The people scorer: a user's affinity to directors and cast, and its place in the blend."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.hybrid import artifact, cache, data
from recommender.hybrid.blend import FEATURES, Hybrid
from recommender.hybrid.people import PeopleScorer, people_matrix
from recommender.hybrid.reasons import favourite_people, reason_for
from recommender.hybrid.serving import ServingModel
from tests.recommender.hybrid.conftest import rewrite_as_older_artifact

DIRECTORS = ["Ada Lens", "Ben Frame", "Cleo Cut", "Dov Dolly", "Eli Focus", "Fay Zoom"]
ACTORS = [f"Actor {k}" for k in range(30)]


def _director_of(i: int) -> str:
    return DIRECTORS[i % len(DIRECTORS)]


def director_world(*, users: int = 180, items: int = 72, density: float = 1.0, seed: int = 0):
    """Each user loves one director's films (4-5 stars) and is lukewarm about the rest.

    Genres cycle independently of directors, so only the people say who made what: the
    signal the people scorer exists for.
    """
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(1.5, items) + 0.3
    triples = []
    for u in range(users):
        fav = DIRECTORS[u % len(DIRECTORS)]
        for i in range(items):
            loved = _director_of(i) == fav
            if rng.random() < min(0.9, density * (0.3 if loved else 0.12) * popularity[i]):
                rating = rng.choice([4.0, 4.5, 5.0]) if loved else rng.choice([2.0, 2.5, 3.0, 3.5])
                triples.append((u + 1, i + 1, rating))
    arr = np.array(triples)
    ids = list(range(1, items + 1))
    world = data.from_triples(
        arr[:, 0].astype(int),
        arr[:, 1].astype(int),
        arr[:, 2],
        titles={i: f"Film {i}" for i in ids},
        genres={i: [["Crime", "Comedy", "Drama", "Horror", "Romance"][i % 5]] for i in ids},
        years={i: 1980 + i % 30 for i in ids},
        name="directors",
    )
    world.people = [[_director_of(i), ACTORS[(3 * i) % 30], ACTORS[(7 * i + 1) % 30]] for i in range(items)]
    return world


@pytest.fixture(scope="module")
def directors():
    return director_world()


def _blank_vectors(world) -> np.ndarray:
    """Content that tells every film apart from none: only the people say who made what."""
    return np.ones((world.n_items, 16), dtype=np.float32)


def _row(n_items: int, ratings: dict[int, float]) -> sp.csr_matrix:
    cols = sorted(ratings)
    return sp.csr_matrix(
        (np.array([ratings[c] for c in cols], dtype=np.float32), (np.zeros(len(cols), dtype=int), cols)),
        shape=(1, n_items),
    )


def test_a_user_who_loves_one_directors_films_gets_that_directors_unseen_film_ranked_higher():
    people = [[_director_of(i), ACTORS[i % 30]] for i in range(24)]
    matrix, names = people_matrix(people)
    scorer = PeopleScorer(matrix, names=names)
    ada = [i for i in range(24) if _director_of(i) == "Ada Lens"]  # 0, 6, 12, 18
    ratings = {ada[0]: 5.0, ada[1]: 5.0, ada[2]: 4.5, 1: 3.0, 2: 2.5, 3: 3.0, 5: 3.0}
    scores = scorer.score(_row(24, ratings))[0]
    unseen = [i for i in range(24) if i not in ratings]
    best = max(unseen, key=lambda i: scores[i])
    assert best == ada[3]
    assert scores[ada[3]] > 0
    # the disliked directors' films sink below films nobody in the profile made
    assert scores[7] < 0  # Ben Frame directed 1 and 7, rated 3.0 against a mean of ~3.7
    assert scores[10] == 0  # Eli Focus: none of his films rated


def test_affinity_is_the_centred_mean_shrunk_by_the_number_of_films():
    matrix, names = people_matrix([["A"], ["A"], ["B"], []])
    scorer = PeopleScorer(matrix, names=names, shrink=2.0)
    people, affinity, films = scorer.affinities(np.array([0, 1, 2, 3]), np.array([5.0, 4.0, 2.0, 1.0]))
    mean = 3.0
    assert [names[p] for p in people] == ["A", "B"]
    np.testing.assert_allclose(affinity, [((5 - mean) + (4 - mean)) / (2 + 2), (2 - mean) / (1 + 2)])
    np.testing.assert_array_equal(films, [2, 1])


def test_no_people_means_zero_scores_for_one_user_and_for_many():
    rows = sp.random(5, 40, density=0.2, format="csr", dtype=np.float32, random_state=0)
    rows.data = np.ceil(rows.data * 5)
    for scorer in (PeopleScorer(n_items=40), PeopleScorer(people_matrix([[]] * 40)[0])):
        assert scorer.score(rows).shape == (5, 40)
        assert not scorer.score(rows).any()
        assert not scorer.score(rows[0]).any()


def test_folding_in_one_user_gives_the_fit_time_batch_scores():
    rng = np.random.default_rng(3)
    n_items, n_people = 300, 120
    people = [
        list(rng.choice(n_people, size=rng.integers(0, 6), replace=False).astype(str)) for _ in range(n_items)
    ]
    matrix, names = people_matrix(people)
    scorer = PeopleScorer(matrix, names=names, shrink=1.5)
    rows = sp.random(40, n_items, density=0.08, format="csr", dtype=np.float32, random_state=4)
    rows.data = np.round(rows.data * 9 + 1) / 2  # half stars 0.5..5
    rows = sp.vstack([rows, sp.csr_matrix((1, n_items), dtype=np.float32)]).tocsr()  # and an empty user
    batch = scorer.score(rows)
    one_by_one = np.vstack([scorer.score(rows[u]) for u in range(rows.shape[0])])
    np.testing.assert_allclose(one_by_one, batch, rtol=1e-5, atol=1e-6)
    assert np.abs(batch).sum() > 0
    assert not batch[-1].any()


def test_without_people_the_blend_gives_the_people_feature_no_weight(trained):
    hybrid, train, _ = trained
    p, n = FEATURES.index("people"), len(FEATURES)
    assert hybrid.weights[p] == 0 and hybrid.weights[n + p] == 0 and hybrid.thin_weights[p] == 0


def test_a_people_scorer_with_zero_weight_changes_no_score(trained):
    hybrid, train, _ = trained
    rows = train[:40]
    before, before_one = hybrid.score(rows), hybrid.score(rows[3])
    n_items = train.shape[1]
    rng = np.random.default_rng(5)
    people = [[f"P{k}" for k in rng.choice(20, size=3, replace=False)] for _ in range(n_items)]
    original = hybrid.base.people
    try:
        hybrid.base.people = PeopleScorer(people_matrix(people)[0])
        np.testing.assert_array_equal(hybrid.score(rows), before)
        np.testing.assert_array_equal(hybrid.score(rows[3]), before_one)
    finally:
        hybrid.base.people = original


NEW_FILMS = 6  # the last six films, one per director, have no ratings yet


@pytest.fixture(scope="module")
def director_hybrids(directors):
    train, test = data.holdout_split(directors.matrix, seed=0)
    train = sp.lil_matrix(train)
    train[:, directors.n_items - NEW_FILMS :] = 0
    train = sp.csr_matrix(train)
    train.eliminate_zeros()
    matrix, names = people_matrix(directors.people)
    # every unseen film is a candidate: the people scorer reorders the pool, it does not widen it
    pool = directors.n_items
    options = dict(content_vectors=_blank_vectors(directors), als_factors=8, als_iterations=4, pool_size=pool)
    with_people = Hybrid(movie_people=matrix, people_names=names, use_people=True, **options).fit(train)
    without = Hybrid(**options).fit(train)
    return with_people, without, train, test


def test_when_taste_follows_directors_the_blend_learns_to_use_the_people_scorer(directors, director_hybrids):
    with_people, without, train, _ = director_hybrids
    assert with_people.weights[FEATURES.index("people")] > 0
    assert without.weights[FEATURES.index("people")] == 0
    # a new film nobody has rated: only its director says whom it is for
    new = np.arange(directors.n_items - NEW_FILMS, directors.n_items)
    for u in range(len(DIRECTORS)):  # user u loves DIRECTORS[u]
        scores = with_people.score(train[u])[0]
        assert new[np.argmax(scores[new])] == new[0] + (u - new[0]) % len(DIRECTORS)


def _serving(world, hybrid, version="p1") -> ServingModel:
    return ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version=version
    )


def test_a_saved_model_keeps_its_people_and_ranks_the_same(tmp_path, directors, director_hybrids):
    hybrid = director_hybrids[0]
    model = _serving(directors, hybrid)
    artifact.save_artifact(model, tmp_path)
    cache.forget_loaded()
    loaded = cache.load_current(tmp_path)
    assert loaded.hybrid.base.people.names == hybrid.base.people.names
    ratings = {int(m): 5.0 for m in directors.item_ids[[0, 6, 12]]} | {int(directors.item_ids[1]): 2.0}
    np.testing.assert_allclose(loaded.scores(ratings), model.scores(ratings), rtol=1e-5, atol=1e-5)


def test_an_artefact_from_before_the_people_scorer_still_loads_with_people_weighing_nothing(
    tmp_path, directors, director_hybrids
):
    hybrid = director_hybrids[0]
    path = artifact.save_artifact(_serving(directors, hybrid), tmp_path)
    rewrite_as_older_artifact(path, without=("people",), format=2)
    cache.forget_loaded()
    loaded = cache.load_current(tmp_path)
    p = FEATURES.index("people")
    assert loaded.hybrid.weights[p] == 0 and loaded.hybrid.base.people.n_people == 0
    ratings = {int(directors.item_ids[0]): 5.0, int(directors.item_ids[6]): 5.0}
    assert len(loaded.recommend(ratings, n=10)) == 10
    assert favourite_people(loaded, ratings) == {}


def test_an_artefact_of_an_unknown_format_is_rejected(tmp_path, directors, director_hybrids):
    path = artifact.save_artifact(_serving(directors, director_hybrids[0]), tmp_path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes().decode())
    meta["format"] = artifact.FORMAT + 1
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="format"):
        artifact.load_artifact(path)


def test_the_reason_names_a_person_only_when_the_users_own_ratings_show_they_like_them(
    directors, director_hybrids
):
    model = _serving(directors, director_hybrids[0])
    ids = [int(m) for m in directors.item_ids]
    ada = [ids[i] for i in range(directors.n_items) if _director_of(i) == "Ada Lens"]
    ben = [ids[i] for i in range(directors.n_items) if _director_of(i) == "Ben Frame"]
    fans = {ada[0]: 5.0, ada[1]: 4.5, ben[0]: 3.0, ben[1]: 2.5}
    assert reason_for(model, fans, ada[3]).startswith("Because you like films with Ada Lens")
    assert "Ben Frame" not in reason_for(model, fans, ben[3])  # rated, but not liked
    one_film = {ada[0]: 5.0, ben[0]: 3.0, ben[1]: 2.5}
    assert "Ada Lens" not in reason_for(model, one_film, ada[3])  # one film is not a pattern
