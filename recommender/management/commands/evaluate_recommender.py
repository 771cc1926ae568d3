"""Offline evaluation of the hybrid against its baselines, printed as one table.

    manage.py evaluate_recommender [--content tfidf|minilm] [--datasets ml-100k ml-latest-small]
                                   [--people] [--seeds N [--model-seeds M]]

Protocol (``recommender.hybrid.evaluation``): per user a seeded 20% of ratings held
out; relevant = held-out items rated >= 4; every item the user did not rate in training
is a candidate; every method gets the same split and candidates. Cold start: a seeded
20% of users keep only 5 training ratings, everything is refitted, and only those users
are scored. Rating prediction: 5-fold RMSE/MAE on ml-100k of ``cf.RatingBlend`` (biased
MF mixed with an item kNN baseline predictor) beside scikit-surprise's SVD on the same
folds. ``--people`` lets the hybrid's blend use the people scorer, with directors and cast
from the Wikidata film table joined to MovieLens by the site's importer (off by default,
as in training: it lowered ml-latest-small NDCG@10). The last line is machine-readable;
the cold-start ratio is the lower of the two datasets' ratios.

``--seeds N`` runs N split seeds x ``--model-seeds`` (3) model seeds on each dataset and
its cold start (``recommender.hybrid.seeds``) and prints mean, standard deviation and
minimum of each method and of the hybrid / best baseline ratio per split, with catalogue
coverage and intra-list genre diversity; its machine line reports the minimum ratios.
Content vectors do not depend on the seed: they are computed once per dataset and kept
in the cache folder.
"""

from __future__ import annotations

import sys
from functools import partial

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender import benchmarks
from recommender.hybrid import cf, data, evaluation, seeds
from recommender.hybrid.blend import FEATURES, Hybrid
from recommender.hybrid.content import ContentScorer, item_vectors, tfidf_text_vectors
from recommender.hybrid.people import people_matrix

BASELINES = ("Popularity", "ItemKNN", "EASE", "ALS", "Content")
ANCHORS = (
    "Published anchors (different protocols, for scale only): ItemKNN NDCG@10 0.260 on ml-100k "
    "(Dacrema et al. 2019); EASE NDCG@10 0.287 on ml-1m (RecBole); Surprise SVD RMSE 0.934, "
    "SVD++ 0.919 on ml-100k."
)


def cached_content_vectors(ratings: data.Ratings, *, content: str) -> tuple[np.ndarray, str]:
    """``content_vectors``, kept on disk under a key of the kind and the exact item texts."""
    import hashlib

    from django.conf import settings

    digest = hashlib.sha256(content.encode())
    for t in ratings.item_texts() + [str(g) for g in ratings.genres]:
        digest.update(t.encode("utf-8", "replace") + b"\0")
    folder = settings.CACHE_DIR / "evaluation"
    path = folder / f"content-{ratings.name}-{digest.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path) as z:
            return z["vectors"], str(z["kind"])
    vectors, kind = content_vectors(ratings, content=content)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(path, vectors=vectors, kind=np.array(kind))
    return vectors, kind


def content_vectors(ratings: data.Ratings, *, content: str) -> tuple[np.ndarray, str]:
    texts = ratings.item_texts()
    kind = "tfidf"
    text = None
    if content == "minilm":
        try:
            from django.conf import settings

            from recommender.hybrid.content import cached_embeddings
            from recommender.llm.embeddings import embed_texts, embedding_version

            text = cached_embeddings(
                texts, embed_texts, cache_dir=settings.CACHE_DIR / "embeddings", version=embedding_version()
            )
            kind = "minilm"
        except Exception as exc:  # report and fall back: the evaluation should still run
            print(f"MiniLM unavailable ({exc}); content uses TF-IDF", file=sys.stderr)
    if text is None:
        text = tfidf_text_vectors(texts)
    vectors, _ = item_vectors(genres=ratings.genres, years=ratings.years, text_vectors=text)
    return vectors, kind


def makers(vectors: np.ndarray, *, seed: int, movie_people=None) -> dict:
    use_people = movie_people is not None
    return {
        "Popularity": lambda: cf.Popularity(),
        "ItemKNN": lambda: cf.ItemKNN(k=100),
        "EASE": lambda: cf.EASE(l2=300.0),
        "ALS": lambda: cf.ImplicitALS(factors=64, iterations=10, seed=seed),
        "Content": lambda: ContentScorer(vectors),
        "Hybrid": lambda: Hybrid(
            content_vectors=vectors, movie_people=movie_people, use_people=use_people, seed=seed
        ),
    }


def makers_for_seed(vectors: np.ndarray, seed: int) -> dict:
    return makers(vectors, seed=seed)


def run_table(
    methods: dict, train, test, *, users=None, bar=None, fitted: dict | None = None, genres=None
) -> list[evaluation.TopNResult]:
    results = []
    for name, make in methods.items():
        model, seconds, cpu = evaluation.fit_timed(make, train)
        if fitted is not None:
            fitted[name] = model
        result = evaluation.evaluate_top_n(
            model, train, test, users=users, train_seconds=seconds, cpu_seconds=cpu, genres=genres
        )
        result.method = name
        results.append(result)
        if bar is not None:
            bar.update(1)
    return results


def people_weights(hybrid: Hybrid) -> str:
    """The weights the blends learned for the people scorer (plain and thin-profile)."""
    i, n = FEATURES.index("people"), len(FEATURES)
    w, thin = hybrid.weights, hybrid.thin_weights
    return (
        f"hybrid blend weight people={w[i]:.4f} people*thin={w[n + i]:.4f}; "
        f"thin-profile blend people={thin[i]:.4f}"
    )


def ratio(results: list[evaluation.TopNResult]) -> float:
    by_name = {r.method: r.ndcg for r in results}
    return by_name["Hybrid"] / max(by_name[b] for b in BASELINES)


class Command(BaseCommand):
    help = "Evaluate the hybrid recommender against Popularity, ItemKNN, EASE and ALS (prints one table)."

    def add_arguments(self, parser):
        parser.add_argument("--datasets", nargs="+", default=["ml-100k", "ml-latest-small"])
        parser.add_argument("--content", choices=["tfidf", "minilm"], default="tfidf")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--cold-share", type=float, default=0.2)
        parser.add_argument("--skip-rmse", action="store_true")
        parser.add_argument("--skip-cold", action="store_true")
        parser.add_argument(
            "--skip-warm",
            action="store_true",
            help="with --seeds: cold start only (a change to the thin-profile blend moves nothing else)",
        )
        parser.add_argument("--people", action="store_true", help="let the hybrid blend directors and cast")
        parser.add_argument("--seeds", type=int, default=0, help="run this many split seeds (0: one table)")
        parser.add_argument("--model-seeds", type=int, default=3)

    def handle(self, *args, **opts):
        if opts["seeds"]:
            return self.handle_seeds(opts)
        seed = opts["seed"]
        tables, ratios, cold_ratios = [], {}, {}
        for name in opts["datasets"]:
            ratings = benchmarks.LOADERS[name]()
            vectors, kind = content_vectors(ratings, content=opts["content"])
            movie_people = None
            if opts["people"]:
                ratings = benchmarks.with_wikidata_people(ratings)
                movie_people, _ = people_matrix(ratings.people)
                kind += f", people for {sum(1 for p in ratings.people if p)} items"
            methods = makers(vectors, seed=seed, movie_people=movie_people)
            train, test = data.holdout_split(ratings.matrix, fraction=0.2, seed=seed)
            steps = len(methods) * (1 if opts["skip_cold"] else 2)
            with tqdm(total=steps, desc=name, file=sys.stderr) as bar:
                fitted: dict = {}
                results = run_table(methods, train, test, bar=bar, fitted=fitted, genres=ratings.genres)
                ratios[name] = ratio(results)
                tables.append(
                    evaluation.format_table(
                        f"\n{name}: {ratings.n_users} users, {ratings.n_items} items, "
                        f"{ratings.matrix.nnz} ratings; "
                        f"content={kind}; hybrid / best baseline = {ratios[name]:.3f}",
                        results,
                    )
                )
                tables.append(people_weights(fitted["Hybrid"]))
                if not opts["skip_cold"]:
                    rng = np.random.default_rng(seed + 100)
                    cold = rng.choice(
                        ratings.n_users, size=int(opts["cold_share"] * ratings.n_users), replace=False
                    )
                    cold_train = data.reduce_users(train, cold, keep=5, seed=seed + 101)
                    cold_results = run_table(
                        methods,
                        cold_train,
                        test,
                        users=np.sort(cold),
                        bar=bar,
                        fitted=fitted,
                        genres=ratings.genres,
                    )
                    cold_ratios[name] = ratio(cold_results)
                    tables.append(
                        evaluation.format_table(
                            f"\n{name} cold start: {len(cold)} users cut to 5 training ratings; "
                            f"hybrid / best baseline = {cold_ratios[name]:.3f}",
                            cold_results,
                        )
                    )
                    tables.append(people_weights(fitted["Hybrid"]))
        rmse = surprise = None
        if not opts["skip_rmse"]:
            ml100k = benchmarks.load_ml100k()
            rmse, mae, secs = evaluation.rating_cv(
                lambda: cf.RatingBlend(seed=seed), ml100k.matrix, seed=seed
            )
            lines = [
                "\nml-100k rating prediction, 5-fold CV (same folds)",
                f"BiasedMF+KNNBaseline   RMSE {rmse:.4f}  MAE {mae:.4f}  {secs:.1f}s"
                "  (0.7 x biased MF + 0.3 x item kNN on baseline residuals)",
            ]
            surprise_result = evaluation.surprise_svd_cv(ml100k.matrix, seed=seed)
            if surprise_result is None:
                lines.append("scikit-surprise SVD    not installed (pip install scikit-surprise)")
            else:
                surprise = surprise_result[0]
                lines.append(
                    f"scikit-surprise SVD    RMSE {surprise_result[0]:.4f}  MAE {surprise_result[1]:.4f}  "
                    f"{surprise_result[2]:.1f}s"
                )
            tables.append("\n".join(lines))
        tables.append("\n" + ANCHORS)
        self.stdout.write("\n".join(tables))

        def fmt(v):
            return "nan" if v is None else f"{v:.3f}"

        cold_ratio = min(cold_ratios.values()) if cold_ratios else None
        self.stdout.write(
            "hybrid_vs_best "
            f"ndcg10_ml100k={fmt(ratios.get('ml-100k'))} ndcg10_mlsmall={fmt(ratios.get('ml-latest-small'))} "
            f"ndcg10_coldstart={fmt(cold_ratio)} rmse_ml100k={'nan' if rmse is None else f'{rmse:.4f}'} "
            f"surprise_svd_rmse={'nan' if surprise is None else f'{surprise:.4f}'}"
        )

    def handle_seeds(self, opts) -> None:
        if opts["skip_warm"] and opts["skip_cold"]:
            raise CommandError("--skip-warm and --skip-cold leave nothing to run")
        split_seeds = list(range(opts["seed"], opts["seed"] + opts["seeds"]))
        model_seeds = list(range(opts["model_seeds"]))
        minimum: dict[str, float] = {}
        cold_minimum = []

        def report(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        for name in opts["datasets"]:
            ratings = benchmarks.LOADERS[name]()
            vectors, kind = cached_content_vectors(ratings, content=opts["content"])
            self.stdout.write(
                f"\n{name}: content={kind}; split seeds {split_seeds}, model seeds {model_seeds}"
            )
            runs = seeds.run_seeds(
                ratings,
                partial(makers_for_seed, vectors),
                split_seeds=split_seeds,
                model_seeds=model_seeds,
                cold_share=None if opts["skip_cold"] else opts["cold_share"],
                warm=not opts["skip_warm"],
                report=report,
            )
            for run in runs:
                self.stdout.write(seeds.format_runs(run))
            if not opts["skip_warm"]:
                minimum[name] = runs[0].min_ratio()
            if not opts["skip_cold"]:
                cold_minimum.append(runs[-1].min_ratio())
        pairs = len(split_seeds) * len(model_seeds)
        self.stdout.write(
            "hybrid_vs_best_min "
            f"ndcg10_ml100k={minimum.get('ml-100k', float('nan')):.3f} "
            f"ndcg10_mlsmall={minimum.get('ml-latest-small', float('nan')):.3f} "
            f"ndcg10_coldstart={min(cold_minimum) if cold_minimum else float('nan'):.3f} pairs={pairs}"
        )
