"""Grounding pass rate and latency of the studio console's audience summary on the real figures.

Reads the FilmInsight rows of films with 5+ analysed reviewers (most analysed first), writes
each film's summary with the configured generator through the checked pipeline, and prints
the pass rate before the template fallback, on the first try, p50/p95 seconds and a machine
line. With --store the summaries are kept (as the Celery task would keep them).
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import Counter

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from tqdm import tqdm

from recommender.insight import summary
from recommender.insight.models import FilmInsight
from recommender.llm import generation


class Command(BaseCommand):
    help = "Write the audience summary of N real films and print its grounding pass rate and latency."

    def add_arguments(self, parser):
        parser.add_argument("--films", type=int, default=30)
        parser.add_argument("--model", default=None, help="LLM_MODEL override: qwen-1.5b, qwen-0.5b, ...")
        parser.add_argument("--threads", type=int, default=settings.TORCH_THREADS)
        parser.add_argument("--store", action="store_true", help="keep the summaries (AudienceSummary rows)")
        parser.add_argument("--show", action="store_true", help="print every text and rejected attempt")
        parser.add_argument("--dump", default="", help="write every film as a JSON line to this file")

    def handle(self, *args, **o):
        # Settings are read once at start: the option overrides TORCH_THREADS for this run only.
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        ids = summary.films_with_summary_facts(limit=o["films"])
        if not ids:
            raise CommandError("no film has 5+ analysed reviewers: analyse reviews and run insight_refresh")
        started = time.monotonic()
        backend = generation.get_backend(o["model"])
        self.stdout.write(
            f"model {backend.name} ({backend.version}) loaded in {time.monotonic() - started:.1f} s; "
            f"{len(ids)} films"
        )
        insights = FilmInsight.objects.select_related("movie").in_bulk(ids, field_name="movie_id")
        dump = open(o["dump"], "w") if o["dump"] else None  # noqa: SIM115 - closed below
        secs: list[float] = []
        first = final = trimmed = 0
        failures: Counter[str] = Counter()
        for movie_id in tqdm(ids, desc="audience summary"):
            insight = insights[movie_id]
            facts = summary.summary_facts(insight, insight.movie)
            assert facts is not None
            t0 = time.monotonic()
            checked = generation.generate_checked(summary.KIND, facts, backend=backend)
            if o["store"]:
                summary.audience_summary_store(insight=insight, facts=facts, result=checked)
            result = {"text": checked.text, "is_fallback": checked.is_fallback, "attempts": checked.attempts}
            problems = checked.problems
            passed_first, was_trimmed = checked.passed_first, checked.trimmed
            secs.append(time.monotonic() - t0)
            first += passed_first
            final += not result["is_fallback"]
            trimmed += was_trimmed
            for attempt in problems:
                for problem in attempt:
                    failures[problem.split(":")[0]] += 1
            label = "TEMPLATE" if result["is_fallback"] else f"ok after {result['attempts']}"
            if o["show"]:
                self.stdout.write(f"--- {facts.movie.label} [{label}] {problems}\n{result['text']}")
            if dump:
                item = {
                    "movie_id": movie_id,
                    "film": facts.movie.label,
                    "status": label,
                    "problems": problems,
                }
                dump.write(json.dumps(item | {"text": result["text"], "seconds": round(secs[-1], 1)}) + "\n")
                dump.flush()
        if dump:
            dump.close()
        n = len(ids)
        p50, p95 = float(np.percentile(secs, 50)), float(np.percentile(secs, 95))
        self.stdout.write("")
        self.stdout.write(
            f"audience summary over {n} films: before fallback {final}/{n} = {final / n:.2f}, first try "
            f"{first}/{n} = {first / n:.2f} (trimmed {trimmed}), template texts {n - final}, "
            f"p50 {p50:.1f} s, p95 {p95:.1f} s"
        )
        for problem, count in failures.most_common():
            self.stdout.write(f"  failed check ({count}x over all attempts): {problem}")
        self.stdout.write(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, torch threads {o['threads']}, "
            f"python {platform.python_version()}"
        )
        self.stdout.write(
            f"generation audience_summary grounding_pass={final / n:.4f} first_try={first / n:.4f} "
            f"p50_s={p50:.1f} p95_s={p95:.1f} n={n} model={backend.version}"
        )
