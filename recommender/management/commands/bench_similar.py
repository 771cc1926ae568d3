"""How long the similar-reviews and related-threads selectors take on the data at hand."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from community.discussions.models import Thread
from community.reviews.models import Review
from recommender.similar import selectors
from recommender.similar.models import ReviewVector, ThreadVector


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = (
        "p50/p95 milliseconds of the similar-review selector (one review, a page of 10) and of the "
        "related-thread one, with the queries each makes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--samples", type=int, default=200)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **o):
        rng = random.Random(o["seed"])
        review_ids = list(ReviewVector.objects.values_list("review_id", flat=True))
        if not review_ids:
            raise CommandError("no review vectors yet: run similar_backfill first")
        corpus = len(review_ids)
        rows = []

        def measure(name: str, call, inputs: list) -> None:
            times, queries, shown = [], [], 0
            for item in inputs:
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    result = call(item)
                    times.append((time.perf_counter() - started) * 1000)
                queries.append(len(captured.captured_queries))
                shown += sum(len(v) for v in result.values()) if isinstance(result, dict) else len(result)
            rows.append(
                (
                    name,
                    len(inputs),
                    _percentile(times, 0.5),
                    _percentile(times, 0.95),
                    max(queries),
                    shown / len(inputs),
                )
            )

        singles = [
            Review.objects.select_related("user", "movie").get(pk=pk)
            for pk in rng.sample(review_ids, min(o["samples"], corpus))
        ]
        measure("similar reviews, 1 review", lambda r: selectors.similar_reviews([r]), singles)
        pages = [singles[i : i + 10] for i in range(0, len(singles) - 9, 10)]
        measure("similar reviews, page of 10", lambda page: selectors.similar_reviews(page), pages)
        thread_ids = list(ThreadVector.objects.values_list("thread_id", flat=True))
        if thread_ids:
            threads = list(
                Thread.objects.filter(pk__in=rng.sample(thread_ids, min(o["samples"], len(thread_ids))))
            )
            measure("related threads, 1 thread", lambda t: selectors.related_threads(t), threads)

        self.stdout.write(
            f"corpus: {corpus} review vectors, {len(thread_ids)} thread vectors; seed {o['seed']}"
        )
        header = (
            f"{'selector':<30} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'shown/call':>11}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, calls, p50, p95, queries, shown in rows:
            self.stdout.write(f"{name:<30} {calls:>6} {p50:>8.2f} {p95:>8.2f} {queries:>8} {shown:>11.2f}")
        # Machine lines: one per selector.
        for name, calls, p50, p95, queries, shown in rows:
            key = name.replace(", ", "_").replace(" ", "_")
            self.stdout.write(
                f"BENCH similar {key} calls={calls} p50_ms={p50:.2f} p95_ms={p95:.2f} "
                f"queries={queries} mean_shown={shown:.2f} corpus={corpus}"
            )
