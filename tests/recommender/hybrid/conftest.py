"""A small seeded world of users with one favourite genre each (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recommender.hybrid import data
from recommender.hybrid.content import item_vectors

GENRES = ["Crime", "Comedy", "Horror", "Romance"]


def make_world(*, users: int = 160, items: int = 80, seed: int = 0) -> data.Ratings:
    """Each user loves one genre: rates many of its movies 4-5 and a few others 1-3.

    Popular movies are seen more by everyone (a popularity prior to beat).
    """
    rng = np.random.default_rng(seed)
    item_genre = np.arange(items) % len(GENRES)
    popularity = rng.pareto(1.5, items) + 0.2
    triples = []
    for u in range(users):
        fav = u % len(GENRES)
        for i in range(items):
            base = 0.35 if item_genre[i] == fav else 0.04
            if rng.random() < min(0.95, base * popularity[i]):
                rating = rng.choice([4.0, 4.5, 5.0]) if item_genre[i] == fav else rng.choice([1.0, 2.0, 3.0])
                triples.append((u + 1, i + 1, rating))
    arr = np.array(triples)
    ids = list(range(1, items + 1))
    return data.from_triples(
        arr[:, 0].astype(int),
        arr[:, 1].astype(int),
        arr[:, 2],
        titles={i: f"Movie {i}" for i in ids},
        genres={i: [GENRES[(i - 1) % len(GENRES)]] for i in ids},
        years={i: 1990 + (i % 20) for i in ids},
        name="toy",
    )


def toy_vectors(world: data.Ratings, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    text = rng.standard_normal((world.n_items, 16)).astype(np.float32)
    vectors, _ = item_vectors(genres=world.genres, years=world.years, text_vectors=text)
    return vectors


@pytest.fixture(scope="session")
def world() -> data.Ratings:
    return make_world()


@pytest.fixture(scope="session")
def trained(world):
    """A hybrid fitted on a seeded 80% split of the toy world (shared: fitting takes ~3 s).

    Without the guard: in a world this simple EASE on loved movies alone ties the blend on
    held-out validation (0.6352 against 0.6341), and these tests are about the blend."""
    from recommender.hybrid.blend import Hybrid

    train, test = data.holdout_split(world.matrix, seed=0)
    hybrid = Hybrid(
        content_vectors=toy_vectors(world), als_factors=8, als_iterations=5, pool_size=30, guard=False
    ).fit(train)
    return hybrid, train, test


def rewrite_as_older_artifact(path: Path, *, without: tuple[str, ...], format: int) -> None:
    """Rewrite a saved artefact as an older format made before the features `without` existed:
    their arrays, metadata and blend weights go, and `format` is stamped on it."""
    from recommender.hybrid.blend import FEATURES

    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith(without)}
    meta = json.loads(arrays["meta"].tobytes().decode())
    old_features = [f for f in FEATURES if f not in without]
    keep = [FEATURES.index(f) for f in old_features]
    keep += [len(FEATURES) + i for i in keep]
    for name in without:
        del meta[name]
    meta.update(format=format, features=old_features)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    arrays["weights"] = arrays["weights"][keep]
    arrays["thin_weights"] = arrays["thin_weights"][keep]
    np.savez(path, **arrays)
