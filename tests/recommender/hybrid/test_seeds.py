"""The evaluation over seeds: pairs, ratios, the minimum, coverage and genre diversity."""

from __future__ import annotations

import numpy as np

from recommender.hybrid import cf, evaluation, seeds
from recommender.hybrid.blend import Hybrid

from .conftest import toy_vectors


def test_intra_list_distance_is_zero_for_one_genre_and_one_for_no_shared_genre():
    same = evaluation.genre_hot([["Crime"], ["Crime"], ["Crime"]])
    apart = evaluation.genre_hot([["Crime"], ["Comedy"], ["Horror"]])
    half = evaluation.genre_hot([["Crime", "Comedy"], ["Crime"]])
    assert evaluation.intra_list_distance(same) == 0.0
    assert evaluation.intra_list_distance(apart) == 1.0
    assert evaluation.intra_list_distance(half) == 0.5


def test_every_split_and_model_seed_pair_is_scored_against_its_splits_best_baseline(world):
    vectors = toy_vectors(world)
    built = []

    def methods(seed):
        built.append(seed)
        return {
            "Popularity": lambda: cf.Popularity(),
            "EASE": lambda: cf.EASE(l2=30.0),
            "Hybrid": lambda: Hybrid(
                content_vectors=vectors, als_factors=4, als_iterations=2, pool_size=20, folds=2, seed=seed
            ),
        }

    lines = []
    top, cold = seeds.run_seeds(
        world, methods, split_seeds=[0, 1], model_seeds=[0, 1], cold_share=0.2, report=lines.append
    )
    for runs in (top, cold):
        assert sorted(runs.hybrid) == [(0, 0), (0, 1), (1, 0), (1, 1)]
        assert sorted(runs.baselines) == [0, 1]
        ratios = runs.ratios()
        for (split, model), ratio in ratios.items():
            best = max(r.ndcg for r in runs.baselines[split])
            assert np.isclose(ratio, runs.hybrid[(split, model)].ndcg / best)
        assert runs.min_ratio() == min(ratios.values())
        for result in [*runs.hybrid.values(), *runs.baselines[0]]:
            assert 0 < result.coverage <= 1 and 0 <= result.diversity <= 1
    assert len(lines) == 8 and "ratio=" in lines[0]
    # split 0 and 1 give different held-out sets
    assert top.baselines[0][0].ndcg != top.baselines[1][0].ndcg
    table = seeds.format_runs(top)
    assert "hybrid / best baseline, split 1:" in table and "all 4 pairs" in table
    assert "(min " in table and "ILD@10" in table
    # each popularity list is the same ten films for everyone: diversity is the same for
    # every user, coverage tiny
    assert top.baselines[0][0].coverage <= 0.5


def test_evaluate_recommender_over_seeds_prints_the_summary_and_the_minimum_ratios(
    world, monkeypatch, settings, tmp_path
):
    from io import StringIO

    from django.core.management import call_command

    from recommender import benchmarks

    settings.CACHE_DIR = tmp_path
    monkeypatch.setitem(benchmarks.LOADERS, "ml-100k", lambda: world)
    out = StringIO()
    args = ["--seeds", "2", "--model-seeds", "1", "--datasets", "ml-100k", "--content", "tfidf"]
    call_command("evaluate_recommender", *args, stdout=out)
    text = out.getvalue()
    assert "toy: 2 split seeds, 2 (split, model seed) hybrid pairs" in text
    assert "toy cold start: 2 split seeds" in text
    machine = text.strip().splitlines()[-1]
    assert machine.startswith("hybrid_vs_best_min ndcg10_ml100k=") and machine.endswith("pairs=2")
    assert "ndcg10_mlsmall=nan" in machine
    # the content vectors are kept for the next run
    assert list((tmp_path / "evaluation").glob("content-toy-*.npz"))


def test_evaluate_recommender_over_seeds_can_run_cold_start_alone(world, monkeypatch, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from recommender import benchmarks

    settings.CACHE_DIR = tmp_path
    monkeypatch.setitem(benchmarks.LOADERS, "ml-100k", lambda: world)
    out = StringIO()
    args = ["--seeds", "1", "--model-seeds", "1", "--datasets", "ml-100k", "--skip-warm"]
    call_command("evaluate_recommender", *args, stdout=out)
    text = out.getvalue()
    assert "toy cold start: 1 split seeds" in text and "toy: 1 split seeds" not in text
    machine = text.strip().splitlines()[-1]
    assert "ndcg10_ml100k=nan" in machine and "ndcg10_coldstart=nan" not in machine
