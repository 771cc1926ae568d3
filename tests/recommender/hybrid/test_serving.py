from __future__ import annotations

import os
import threading

from recommender.hybrid import cache
from recommender.hybrid.artifact import save_artifact
from recommender.hybrid.cache import load_current
from recommender.hybrid.serving import ServingModel
from tests.recommender.hybrid.conftest import rewrite_as_older_artifact


def _model(world, hybrid, version):
    return ServingModel(
        hybrid, item_ids=world.item_ids, titles=world.titles, genres=world.genres, version=version
    )


def test_a_saved_model_loads_back_and_ranks_the_same(tmp_path, world, trained):
    hybrid, _, _ = trained
    original = _model(world, hybrid, "v1")
    save_artifact(original, tmp_path)
    cache.forget_loaded()
    loaded = load_current(tmp_path)
    ratings = {int(world.item_ids[0]): 5.0, int(world.item_ids[4]): 4.0}
    assert [p.movie_id for p in loaded.recommend(ratings, n=10)] == [
        p.movie_id for p in original.recommend(ratings, n=10)
    ]
    assert loaded.version == "v1"


def test_the_model_is_loaded_once_per_process_until_a_swap(tmp_path, world, trained):
    hybrid, _, _ = trained
    save_artifact(_model(world, hybrid, "v1"), tmp_path)
    cache.forget_loaded()
    first = load_current(tmp_path)
    assert load_current(tmp_path) is first
    save_artifact(_model(world, hybrid, "v2"), tmp_path)
    assert load_current(tmp_path).version == "v2"


def test_the_model_swap_is_atomic_for_concurrent_readers(tmp_path, world, trained):
    hybrid, _, _ = trained
    save_artifact(_model(world, hybrid, "v0"), tmp_path)
    errors: list[BaseException] = []
    seen: set[str] = set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                cache.forget_loaded()
                model = load_current(tmp_path)
                seen.add(model.version)
                assert len(model.recommend({}, n=5)) == 5
            except BaseException as exc:  # noqa: BLE001 - any failure is the test's failure
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for v in range(1, 6):
        save_artifact(_model(world, hybrid, f"v{v}"), tmp_path)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert seen <= {f"v{v}" for v in range(6)}
    assert os.readlink(tmp_path / "current") == "recommender-v5.npz"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part") or p.startswith(".current")]


def test_no_model_yet_means_none(tmp_path):
    assert load_current(tmp_path / "empty") is None


def test_an_artefact_from_before_the_co_liked_and_user_knn_scorers_still_loads(tmp_path, world, trained):

    from recommender.hybrid.blend import FEATURES

    hybrid, _, _ = trained
    path = save_artifact(_model(world, hybrid, "v1"), tmp_path)
    rewrite_as_older_artifact(path, without=("co_liked", "user_knn"), format=1)
    cache.forget_loaded()
    loaded = load_current(tmp_path)
    assert loaded.hybrid.weights[FEATURES.index("co_liked")] == 0
    assert loaded.hybrid.weights[FEATURES.index("user_knn")] == 0
    assert loaded.hybrid.weights[FEATURES.index("popularity")] == hybrid.weights[FEATURES.index("popularity")]
    assert len(loaded.recommend({int(world.item_ids[0]): 5.0}, n=10)) == 10
