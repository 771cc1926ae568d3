"""Accuracy of the current sentiment model on the held-out test split, beside a TF-IDF baseline."""

from __future__ import annotations

import time

import numpy as np
from django.core.management.base import BaseCommand
from django.test import override_settings
from tqdm import tqdm

from recommender.llm import sentiment
from recommender.models import ModelArtifact

SOURCES = ("imdb", "rotten_tomatoes")


class Command(BaseCommand):
    help = (
        "Score the current sentiment model on the test split no training step saw, next to a "
        "TF-IDF + logistic regression baseline trained on the same train split in this run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--imdb-limit",
            type=int,
            default=0,
            help="score a random subset of N IMDB test reviews (0 = all 5,000)",
        )
        parser.add_argument("--rt-limit", type=int, default=0, help="same for Rotten Tomatoes (0 = all)")
        parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on 2 cores)")

    def handle(self, *args, **o):
        # Settings are read once at start: the option overrides TORCH_THREADS for this run only.
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        df = sentiment.load_labelled()
        train, _val, test = sentiment.split_labelled(df)
        started = time.monotonic()
        baseline = sentiment.train_baseline(list(train.text), list(train.label))
        self.stdout.write(f"baseline trained on {len(train)} reviews in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        model = sentiment.load_sentiment()
        load_seconds = time.monotonic() - started
        self.stdout.write(f"model {model.version} loaded in {load_seconds:.1f} s")

        results = {}
        for source, limit in zip(SOURCES, (o["imdb_limit"], o["rt_limit"]), strict=True):
            part = test[test.source == source]
            if limit and len(part) > limit:
                part = part.sample(limit, random_state=0)
            texts, labels = list(part.text), part.label.to_numpy()
            with tqdm(total=len(texts), desc=f"score {source}", mininterval=5) as bar:
                t0 = time.monotonic()
                parts = model.predict_components(texts, progress=bar.update)
                seconds = time.monotonic() - t0
            judged = ~np.isnan(parts.judge)
            results[source] = {
                "n": len(texts),
                "accuracy": sentiment.accuracy(parts.ensemble, labels),
                "minilm": sentiment.accuracy(parts.nn, labels),
                "tfidf_part": sentiment.accuracy(parts.tfidf, labels),
                # the generator's own reading, on the short texts it was asked about
                "judge": sentiment.accuracy(parts.judge[judged], labels[judged]),
                "judged": int(judged.sum()),
                "baseline": sentiment.accuracy(baseline.predict_proba(texts)[:, 1], labels),
                "reviews_per_s": len(texts) / seconds if seconds else 0.0,
            }

        self.stdout.write("")
        self.stdout.write(
            f"{'source':16} {'n':>5} {'ensemble':>9} {'minilm':>7} {'tfidf':>7} {'judge':>7} {'judged':>6} "
            f"{'baseline':>9} {'rev/s':>7}"
        )
        for source, r in results.items():
            self.stdout.write(
                f"{source:16} {r['n']:5d} {r['accuracy']:9.4f} {r['minilm']:7.4f} {r['tfidf_part']:7.4f} "
                f"{r['judge']:7.4f} {r['judged']:6d} {r['baseline']:9.4f} {r['reviews_per_s']:7.1f}"
            )
        if not model.judge_meta:
            self.stdout.write("(no judge: the version was combined without one, or SENTIMENT_JUDGE=off)")
        ModelArtifact.objects.filter(kind=ModelArtifact.Kind.SENTIMENT, version=model.version).update(
            metrics={
                **(
                    ModelArtifact.objects.filter(kind=ModelArtifact.Kind.SENTIMENT, version=model.version)
                    .values_list("metrics", flat=True)
                    .first()
                    or {}
                ),
                "test": results,
            }
        )
        for source, r in results.items():
            self.stdout.write(f"sentiment {source} accuracy={r['accuracy']:.4f} baseline={r['baseline']:.4f}")
