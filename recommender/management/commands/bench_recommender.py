"""Latency of recommending for one user from the loaded model (no database on the timed path).

    manage.py bench_recommender [--users 300] [--repeat 3] [--dataset ml-latest-small | --from-db]
                                [--no-people]

Without ``--from-db`` it trains a model on a MovieLens set first (outside the timing),
so it runs on a fresh machine; directors and cast come from the Wikidata film table as
in ``evaluate_recommender`` (``--no-people``: none). Reports p50/p95/p99 of ``ServingModel.recommend`` (top
20, fold-in included) and of a full row refresh computation (four rows with reasons).
Every user is timed once per pass; each percentile is the median of the passes' values,
since on a shared machine one pass's p99 (the 3rd slowest of 300 calls) swings by 50%.

The model keeps the longest histories' sums of weight rows from training
(``ServingModel.keep_partial_sums``), and the timed users are training users, so their
rows are unchanged since. A second line times the same users after five changes (two new
ratings, two changed, one removed), as between two nightly retrains.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommender import benchmarks
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.people import people_matrix
from recommender.hybrid.serving import ServingModel


def _percentiles(passes: list[list[float]]) -> str:
    """p50/p95/p99 of each pass's samples (seconds), the median over passes, in ms."""
    per_pass = np.percentile(np.array(passes) * 1000, [50, 95, 99], axis=1)
    p50, p95, p99 = np.median(per_pass, axis=1)
    return f"p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms"


def _five_changes(ratings: dict[int, float], item_ids: np.ndarray, *, seed: int) -> dict[int, float]:
    """The history after two new ratings, two changed ones and one removed (seeded)."""
    rng = np.random.default_rng(seed)
    out = dict(ratings)
    rated = list(out)
    for movie_id in rng.choice(rated, size=min(3, len(rated)), replace=False).tolist():
        out[movie_id] = 5.0 if out[movie_id] <= 3.0 else 1.0
    if rated:
        del out[movie_id]  # the last of the three: removed instead of changed
    for movie_id in rng.choice(item_ids, size=2, replace=False).tolist():
        out.setdefault(int(movie_id), 4.5)
    return out


class Command(BaseCommand):
    help = "Benchmark per-user recommendation latency of the hybrid."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=300)
        parser.add_argument("--repeat", type=int, default=3, help="timed passes over the users")
        parser.add_argument("--dataset", default="ml-latest-small", choices=sorted(benchmarks.LOADERS))
        parser.add_argument(
            "--from-db", action="store_true", help="use the active model and the site's users"
        )
        parser.add_argument("--no-people", action="store_true", help="no directors or cast for the hybrid")

    def handle(self, *args, **opts):
        from recommender.services import recommendations

        if opts["from_db"]:
            model = recommendations.current_model()
            if model is None:
                self.stderr.write("no trained model: run manage.py train_recommender first")
                return
            from community.reviews.models import Rating

            user_ids = list(
                Rating.objects.order_by().values_list("user_id", flat=True).distinct()[: opts["users"]]
            )
            histories = [recommendations.user_history(user_id=u) for u in user_ids]
        else:
            from recommender.management.commands.evaluate_recommender import content_vectors

            ratings = benchmarks.LOADERS[opts["dataset"]]()
            vectors, _ = content_vectors(ratings, content="tfidf")
            movie_people, names = None, list[str]()
            if not opts["no_people"]:
                ratings = benchmarks.with_wikidata_people(ratings)
                movie_people, names = people_matrix(ratings.people)
            start = time.perf_counter()
            hybrid = Hybrid(content_vectors=vectors, movie_people=movie_people, people_names=names).fit(
                ratings.matrix
            )
            self.stdout.write(f"trained on {ratings.name} in {time.perf_counter() - start:.1f}s")
            model = ServingModel(
                hybrid,
                item_ids=ratings.item_ids,
                titles=ratings.titles,
                genres=ratings.genres,
                version="bench",
            )
            # as train_recommender does: the longest histories' sums of weight rows
            start = time.perf_counter()
            kept = model.keep_partial_sums(ratings.matrix, ratings.user_ids)
            self.stdout.write(f"kept the sums of {kept} users in {time.perf_counter() - start:.1f}s")
            rng = np.random.default_rng(0)
            rows = rng.choice(ratings.n_users, size=min(opts["users"], ratings.n_users), replace=False)
            histories = []
            for u in rows:
                r = ratings.matrix[u]
                hist = recommendations.History(
                    ratings={
                        int(ratings.item_ids[i]): float(v) for i, v in zip(r.indices, r.data, strict=True)
                    },
                    user_id=int(ratings.user_ids[u]),
                )
                histories.append(hist)
        model.recommend(histories[0].ratings, n=20)  # warm caches
        changed = [_five_changes(h.ratings, model.item_ids, seed=i) for i, h in enumerate(histories)]
        passes = max(1, opts["repeat"])
        recommend: list[list[float]] = [[] for _ in range(passes)]
        after_changes: list[list[float]] = [[] for _ in range(passes)]
        rows_total: list[list[float]] = [[] for _ in range(passes)]
        cpu: list[list[float]] = [[] for _ in range(passes)]
        for p in range(passes):
            for i, hist in enumerate(tqdm(histories, desc=f"pass {p + 1}/{passes}", file=sys.stderr)):
                start, cpu_start = time.perf_counter(), time.thread_time()
                model.recommend(
                    hist.ratings,
                    n=20,
                    exclude=hist.not_interested,
                    disliked=hist.disliked,
                    user_id=hist.user_id,
                )
                recommend[p].append(time.perf_counter() - start)
                # CPU time of this thread: what the call costs when the machine is not shared
                cpu[p].append(time.thread_time() - cpu_start)
                start = time.perf_counter()
                recommendations._rows_for(model, hist)
                rows_total[p].append(time.perf_counter() - start)
                start = time.perf_counter()
                model.recommend(changed[i], n=20, user_id=hist.user_id)
                after_changes[p].append(time.perf_counter() - start)
        sizes = [len(h.ratings) for h in histories]
        self.stdout.write(
            f"{len(histories)} users (median {int(np.median(sizes))} ratings), {model.n_items} movies, "
            f"median of {passes} passes\n"
            f"recommend top-20 (fold-in + blend): {_percentiles(recommend)}\n"
            f"  same, CPU time of the thread:     {_percentiles(cpu)}\n"
            f"  same, after 5 rating changes:     {_percentiles(after_changes)}\n"
            f"all rows with reasons:              {_percentiles(rows_total)}"
        )
