"""The recommender's test world: members with a clear taste, movies, and a small trained model.

One definition for every test that needs a trained recommender; a test file asks for `world`
(genres), or builds its own grouping of movies with `members_who_love` on `model_dir`.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from recommender.hybrid import cache
from recommender.services import recommender_model
from tests.factories import GenreFactory, MovieFactory, RatingFactory, UserFactory

GENRES = ["Crime", "Comedy", "Horror"]


@pytest.fixture
def model_dir(tmp_path, settings):
    """A model folder of the test's own, small fast training options, cheap password hashing
    (30 members with real hashing would dominate the run time), nothing loaded from before."""
    settings.RECOMMENDER_MODEL_DIR = tmp_path / "models"
    settings.RECOMMENDER_TRAIN_OPTIONS = {"als_factors": 8, "als_iterations": 4, "pool_size": 30}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.forget_loaded()
    yield settings.RECOMMENDER_MODEL_DIR
    cache.forget_loaded()


def members_who_love(groups: dict[str, list], *, members: int = 30, seed: int = 0) -> list:
    """`members` new members; member u loves group u % len(groups): 4.5 for about 55% of its
    movies, 2.0 for about 8% of each other group's. Seeded, so every run rates alike."""
    rng = np.random.default_rng(seed)
    names = list(groups)
    users = []
    for u in range(members):
        user = UserFactory()
        users.append(user)
        favourite = names[u % len(names)]
        for name in names:
            for movie in groups[name]:
                if rng.random() < (0.55 if name == favourite else 0.08):
                    score = Decimal("4.5") if name == favourite else Decimal("2.0")
                    RatingFactory(user=user, movie=movie, score=score)
    return users


@pytest.fixture
def world(model_dir):
    """30 members who each love one genre, 36 movies (12 a genre), and a trained model:
    {"movies": {genre: [Movie]}, "users": [User], "artifact": ModelArtifact}."""
    genres = {name: GenreFactory(name=name) for name in GENRES}
    movies: dict[str, list] = {name: [] for name in GENRES}
    for i in range(36):
        name = GENRES[i % 3]
        movies[name].append(MovieFactory(title=f"{name} story {i}", genres=[genres[name]]))
    users = members_who_love(movies)
    artifact = recommender_model.recommender_train(content="tfidf")
    return {"movies": movies, "users": users, "artifact": artifact}
