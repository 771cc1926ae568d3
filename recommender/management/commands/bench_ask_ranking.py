"""Ask CineCircle's request-conditioned ranking, offline on MovieLens latest-small.

    manage.py bench_ask_ranking [--seeds 0 1 2] [--users N] [--content tfidf|minilm]

Per split seed the ratings are split as in ``evaluate_recommender`` (a seeded 20% of each
user's ratings held out) and the hybrid is trained on the rest, then served in memory as a
``ServingModel``. For every user with a held-out film rated >= 4 (one such film, the
target, drawn with the seed) two requests are made from the target's attributes:

- genre and decade: its first listed MovieLens genre and its decade ("a comedy from the
  1990s"), hard constraints;
- like: "like <X>", X a film of the user's training ratings rated >= 4 sharing that genre
  (drawn with the seed; users without one are skipped for this request).

Each request is answered three ways on the same candidates (every film the user did not
rate in training): **ask**, the served ordering (``recommender.ask.ranking.rank_candidates``
on the films meeting the request's hard constraints); **home**, the plain homepage ranking
(the member's hybrid scores, no request); **filter**, the request's hard constraints
applied to popularity (training rating counts). For "like" requests, which have no hard
constraint, the served no-taste fallback (popularity plus genres shared with X) is shown
too. The metric is NDCG@10 of the one target film (1/log2(rank + 1) within the top 10).

Constraint satisfaction: the share of the top five ask picks for which
``ranking.satisfies`` holds against the film's own genres and year (offline the candidates
come from a numpy mask, so this checks the mask and the ordering, not the database filter;
``bench_ask_latency`` checks the served path on the site's catalogue).

The machine lines give per request kind and overall the mean over seeds of each method's
NDCG@10 and the mean and minimum over seeds of the ask / home and ask / filter ratios.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommender import benchmarks
from recommender.ask.parsing import Query, Reference
from recommender.ask.ranking import rank_candidates, satisfies, taste_scores
from recommender.hybrid import data
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.evaluation import RELEVANT_AT, K
from recommender.hybrid.serving import ServingModel
from recommender.services.recommendations import DISLIKED_RATING, History

from .evaluate_recommender import cached_content_vectors

KINDS = ("genre_decade", "like")
METHODS = ("ask", "home", "filter", "popular_like")
SKIP_GENRES = {"IMAX"}  # a format, not a genre anyone asks for


class MemoryFacts:
    """``ranking.CatalogueFacts`` read from a MovieLens set in memory."""

    def __init__(self, ratings: data.Ratings, train) -> None:
        self._col = {int(m): i for i, m in enumerate(ratings.item_ids.tolist())}
        self._genres = ratings.genres
        self._titles = ratings.titles
        self._counts = np.diff(train.tocsc().indptr)

    def genres(self, ids: list[int]) -> dict[int, list[str]]:
        return {m: list(self._genres[self._col[m]]) for m in ids}

    def popularity(self, ids: list[int]) -> dict[int, int]:
        return {m: int(self._counts[self._col[m]]) for m in ids}

    def texts(self, ids: list[int]) -> dict[int, str]:
        return {m: self._titles[self._col[m]] for m in ids}


def _gain(ranked: list[int], target: int) -> float:
    """NDCG@K of one relevant film: 1/log2(position + 1) when it is in the top K."""
    for position, movie_id in enumerate(ranked[:K], start=1):
        if movie_id == target:
            return 1.0 / float(np.log2(position + 1))
    return 0.0


def _top(scores: np.ndarray, allowed: np.ndarray, item_ids: np.ndarray, k: int = K) -> list[int]:
    s = np.where(allowed, scores, -np.inf)
    best = np.argsort(-s, kind="stable")[:k]
    return [int(item_ids[i]) for i in best if np.isfinite(s[i])]


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


class Command(BaseCommand):
    help = "NDCG@10 of a held-out film with a request made from it: ask vs homepage vs filter-only."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
        parser.add_argument("--users", type=int, default=0, help="at most this many users per seed (0: all)")
        parser.add_argument("--content", choices=["tfidf", "minilm"], default="tfidf")
        parser.add_argument("--dataset", default="ml-latest-small", choices=sorted(benchmarks.LOADERS))

    def handle(self, *args, **o):
        started = time.monotonic()
        ratings = benchmarks.LOADERS[o["dataset"]]()
        vectors, kind = cached_content_vectors(ratings, content=o["content"])
        item_ids = ratings.item_ids
        years = np.array([y if y else -1 for y in ratings.years], dtype=np.int64)
        genre_names = sorted({g for gs in ratings.genres for g in gs})
        hot = {g: np.array([g in gs for gs in ratings.genres]) for g in genre_names}
        # {seed: {kind: {method: [gain per request]}}}
        gains: dict[int, dict[str, dict[str, list[float]]]] = {}
        picks_checked = picks_ok = 0
        for seed in o["seeds"]:
            train, test = data.holdout_split(ratings.matrix, seed=seed)
            fit_start = time.monotonic()
            hybrid = Hybrid(content_vectors=vectors, seed=seed).fit(train)
            model = ServingModel(
                hybrid, item_ids=item_ids, titles=ratings.titles, genres=ratings.genres, version="bench"
            )
            self.stderr.write(f"seed {seed}: hybrid trained in {time.monotonic() - fit_start:.0f} s")
            facts = MemoryFacts(ratings, train)
            popularity = np.log1p(np.diff(train.tocsc().indptr)).astype(np.float64)
            rng = np.random.default_rng(seed)
            users = rng.permutation(ratings.n_users)
            if o["users"]:
                users = users[: o["users"]]
            per = gains.setdefault(seed, {k: {m: [] for m in METHODS} for k in KINDS})
            for u in tqdm(users, desc=f"seed {seed}", file=sys.stderr):
                row, held = train[u], test[u]
                targets = [
                    int(i)
                    for i, r in zip(held.indices, held.data, strict=True)
                    if r >= RELEVANT_AT and years[i] > 0 and set(ratings.genres[i]) - SKIP_GENRES
                ]
                if not targets:
                    continue
                target = int(rng.choice(targets))
                genre = next(g for g in ratings.genres[target] if g not in SKIP_GENRES)
                decade = int(years[target]) // 10 * 10
                history = History(
                    ratings={int(item_ids[i]): float(r) for i, r in zip(row.indices, row.data, strict=True)},
                    user_id=None,
                )
                history.disliked = {m for m, r in history.ratings.items() if r <= DISLIKED_RATING}
                unrated = np.ones(ratings.n_items, dtype=bool)
                unrated[row.indices] = False
                user = taste_scores(model, history)
                target_id = int(item_ids[target])
                home = _top(user.astype(np.float64), unrated, item_ids)
                loved = [
                    int(i)
                    for i, r in zip(row.indices, row.data, strict=True)
                    if r >= RELEVANT_AT and genre in ratings.genres[i]
                ]
                requests = {
                    "genre_decade": Query(genres=[genre], year_min=decade, year_max=decade + 9),
                }
                if loved:
                    ref = int(rng.choice(loved))
                    requests["like"] = Query(
                        like=[Reference(text=ratings.titles[ref], id=int(item_ids[ref]))]
                    )
                for kind_name, query in requests.items():
                    allowed = unrated.copy()
                    for g in query.genres:
                        allowed &= hot[g]
                    if query.year_min is not None:
                        allowed &= (years >= query.year_min) & (years <= (query.year_max or 9999))
                    ids = [int(m) for m in item_ids[allowed]]
                    asked = rank_candidates(
                        query=query, ids=ids, history=history, model=model, facts=facts, n=K, user_scores=user
                    )
                    ask = [p["movie_id"] for p in asked.picks]
                    per[kind_name]["ask"].append(_gain(ask, target_id))
                    per[kind_name]["home"].append(_gain(home, target_id))
                    per[kind_name]["filter"].append(_gain(_top(popularity, allowed, item_ids), target_id))
                    if query.like:
                        fallback = rank_candidates(
                            query=query, ids=ids, history=history, model=None, facts=facts, n=K
                        )
                        per[kind_name]["popular_like"].append(
                            _gain([p["movie_id"] for p in fallback.picks], target_id)
                        )
                    for movie_id in ask[:5]:
                        i = model.column_of(movie_id)
                        assert i is not None
                        picks_checked += 1
                        picks_ok += (
                            satisfies(
                                query,
                                genres=ratings.genres[i],
                                year=int(years[i]) if years[i] > 0 else None,
                                runtime=None,
                            )
                            and movie_id not in history.ratings
                        )
            self._report(
                gains, [seed], picks_ok, picks_checked, ratings.name, kind, time.monotonic() - started
            )
        if len(o["seeds"]) > 1:
            self._report(
                gains, o["seeds"], picks_ok, picks_checked, ratings.name, kind, time.monotonic() - started
            )

    def _report(self, gains, seeds, picks_ok, picks_checked, dataset, content, seconds) -> None:
        out = self.stdout.write
        out(f"Ask ranking, {dataset}, content {content}, split seeds {seeds}, NDCG@{K} of the target film")
        out(
            f"{'request':>13} {'seed':>4} {'n':>5} "
            + " ".join(f"{m:>12}" for m in METHODS)
            + "  ask/home ask/filter"
        )
        summary: dict[str, dict] = {}
        for kind_name in (*KINDS, "all"):
            means: dict[str, list[float]] = {m: [] for m in METHODS}
            ratio_home, ratio_filter, counts = [], [], []
            for seed in seeds:
                kinds = KINDS if kind_name == "all" else (kind_name,)
                values = {m: [g for k in kinds for g in gains[seed][k][m]] for m in METHODS}
                n = len(values["ask"])
                counts.append(n)
                mean = {m: float(np.mean(v)) if v else float("nan") for m, v in values.items()}
                for m in METHODS:
                    means[m].append(mean[m])
                ratio_home.append(_ratio(mean["ask"], mean["home"]))
                ratio_filter.append(_ratio(mean["ask"], mean["filter"]))
                cells = " ".join(f"{mean[m]:>12.4f}" for m in METHODS)
                out(
                    f"{kind_name:>13} {seed:>4} {n:>5} {cells}  "
                    f"{ratio_home[-1]:>8.2f} {ratio_filter[-1]:>10.2f}"
                )
            summary[kind_name] = {
                "n": int(np.mean(counts)),
                **{m: float(np.mean(v)) for m, v in means.items()},
                "home_mean": float(np.mean(ratio_home)),
                "home_min": float(np.min(ratio_home)),
                "filter_mean": float(np.mean(ratio_filter)),
                "filter_min": float(np.min(ratio_filter)),
            }
        share = picks_ok / max(1, picks_checked)
        out(
            f"constraint satisfaction: {picks_ok}/{picks_checked} top-5 ask picks meet every "
            f"hard constraint ({share:.4f})"
        )
        out(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f}; {seconds:.0f} s"
        )
        for kind_name, s in summary.items():
            out(
                f"ask_ranking dataset={dataset} kind={kind_name} seeds={len(seeds)} n={s['n']} "
                f"ndcg_ask={s['ask']:.4f} "
                f"ndcg_home={s['home']:.4f} ndcg_filter={s['filter']:.4f} "
                f"ratio_home_mean={s['home_mean']:.3f} ratio_home_min={s['home_min']:.3f} "
                f"ratio_filter_mean={s['filter_mean']:.3f} ratio_filter_min={s['filter_min']:.3f}"
            )
        out(f"ask_constraints source=offline picks={picks_checked} satisfied={share:.4f}")
