"""The offline protocol over seeds: is the hybrid's lead luck?

For each split seed the ratings are split again (``holdout_split``); the baselines are
fitted once per split (only ALS draws random numbers, seeded with the split seed), the
hybrid once per (split, model seed). Each pair's ratio is the hybrid's NDCG@10 over the
best baseline's on the same split; the summary gives the mean, standard deviation and
minimum of each method and of the ratios, with catalogue coverage and intra-list genre
diversity (ILD@10) beside them. Cold start as in ``evaluate_recommender``: a seeded share
of users keeps 5 training ratings and only they are scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import evaluation
from .data import Ratings, holdout_split, reduce_users

# methods(seed) -> {name: maker}; the hybrid is named "Hybrid"
Makers = Callable[[int], dict[str, Callable]]


@dataclass
class SeedRuns:
    """Results of one dataset and setting over (split seed, model seed) pairs."""

    title: str
    baselines: dict[int, list[evaluation.TopNResult]] = field(default_factory=dict)
    hybrid: dict[tuple[int, int], evaluation.TopNResult] = field(default_factory=dict)

    def ratios(self) -> dict[tuple[int, int], float]:
        best = {s: max(r.ndcg for r in results) for s, results in self.baselines.items()}
        return {(s, m): r.ndcg / best[s] for (s, m), r in self.hybrid.items()}

    def ratios_by_split(self) -> dict[int, list[float]]:
        by_split: dict[int, list[float]] = {}
        for (s, _m), ratio in sorted(self.ratios().items()):
            by_split.setdefault(s, []).append(ratio)
        return by_split

    def min_ratio(self) -> float:
        return min(self.ratios().values()) if self.hybrid else float("nan")


def run_seeds(
    ratings: Ratings,
    methods: Makers,
    *,
    split_seeds: list[int],
    model_seeds: list[int],
    cold_share: float | None = 0.2,
    warm: bool = True,
    report: Callable[[str], None] | None = None,
) -> list[SeedRuns]:
    """Every (split seed, model seed) pair on ``ratings``: the top-N setting (unless not
    ``warm``), then cold start (unless ``cold_share`` is None). ``report`` gets one line per
    finished pair. Returns the settings run, in that order."""
    top = SeedRuns(f"{ratings.name}")
    cold_runs = SeedRuns(f"{ratings.name} cold start")
    for split in split_seeds:
        train, test = holdout_split(ratings.matrix, fraction=0.2, seed=split)
        settings: list[tuple[SeedRuns, object, np.ndarray | None]] = [(top, train, None)] if warm else []
        if cold_share is not None:
            rng = np.random.default_rng(split + 100)
            cold = rng.choice(ratings.n_users, size=int(cold_share * ratings.n_users), replace=False)
            settings.append((cold_runs, reduce_users(train, cold, keep=5, seed=split + 101), np.sort(cold)))
        for runs, rows, users in settings:
            makers = methods(split)
            runs.baselines[split] = [
                _evaluate(name, make, rows, test, users, ratings.genres)
                for name, make in makers.items()
                if name != "Hybrid"
            ]
            for model_seed in model_seeds:
                result = _evaluate("Hybrid", methods(model_seed)["Hybrid"], rows, test, users, ratings.genres)
                runs.hybrid[(split, model_seed)] = result
                if report:
                    ratio = runs.ratios()[(split, model_seed)]
                    report(
                        f"{runs.title} split={split} model={model_seed} hybrid NDCG@10={result.ndcg:.4f} "
                        f"best baseline={max(r.ndcg for r in runs.baselines[split]):.4f} ratio={ratio:.3f}"
                    )
    return ([top] if warm else []) + ([cold_runs] if cold_share is not None else [])


def _evaluate(name, make, train, test, users, genres) -> evaluation.TopNResult:
    model, seconds, cpu = evaluation.fit_timed(make, train)
    result = evaluation.evaluate_top_n(
        model, train, test, users=users, train_seconds=seconds, cpu_seconds=cpu, genres=genres
    )
    result.method = name
    return result


def _stats(values: list[float]) -> str:
    v = np.asarray(values, dtype=np.float64)
    return f"{v.mean():.4f} ± {v.std():.4f} (min {v.min():.4f})"


def format_runs(runs: SeedRuns) -> str:
    """The summary table: per method NDCG@10 mean ± std (min), coverage and ILD@10 means;
    then the hybrid / best baseline ratio per split and over every pair."""
    by_method: dict[str, list[evaluation.TopNResult]] = {}
    for results in runs.baselines.values():
        for r in results:
            by_method.setdefault(r.method, []).append(r)
    by_method["Hybrid"] = list(runs.hybrid.values())
    pairs = len(runs.hybrid)
    lines = [
        f"\n{runs.title}: {len(runs.baselines)} split seeds, {pairs} (split, model seed) hybrid pairs",
        f"{'method':<11} {'NDCG@10 mean ± std (min)':<32} {'coverage':>8} {'ILD@10':>7} {'n':>3}",
    ]
    for name, results in by_method.items():
        lines.append(
            f"{name:<11} {_stats([r.ndcg for r in results]):<32} "
            f"{np.mean([r.coverage for r in results]):>8.3f} {np.mean([r.diversity for r in results]):>7.3f} "
            f"{len(results):>3}"
        )
    for split, ratios in runs.ratios_by_split().items():
        lines.append(f"hybrid / best baseline, split {split}: {_stats(ratios)}")
    if pairs:
        lines.append(f"hybrid / best baseline, all {pairs} pairs: {_stats(list(runs.ratios().values()))}")
    return "\n".join(lines)
