"""Pass rate, latency and support of the movie notes (synopsis, character guide) on real films.

Reads the N most rated films whose plot text is long enough for a synopsis, writes each
synopsis through the checked pipeline (the spoiler cut, the rule checks, the support check,
one stricter retry, then nothing) and builds each character guide, then asks the support
check about every sentence a page would show: the synopsis's sentences and, for each
character, its line and "<character> is played by <actor>." against the plot's visible part
and the cast. Prints a table, the failed checks and machine lines. Nothing is stored unless
--store (read-only on the real data otherwise).
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import Counter
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from tqdm import tqdm

from community.movies.models import Movie
from recommender.insight.mentions import parse_cast
from recommender.llm import generation, grounding, notes_checks
from recommender.llm.notes_generation import synopsis_write
from recommender.notes import services
from recommender.notes.characters import character_guide


def guide_statements(guide: list[dict[str, Any]]) -> list[str]:
    """What a page shows of a guide, as sentences the support check can judge."""
    out = []
    for item in guide:
        if item["actor"]:
            out.append(f"{item['name']} is played by {item['actor']}.")
        if item["line"]:
            out.append(item["line"])
    return out


class Command(BaseCommand):
    help = "Write the synopsis and character guide of N real films; print pass rates, latency, support."

    def add_arguments(self, parser):
        parser.add_argument("--films", type=int, default=50)
        parser.add_argument("--model", default=None, help="LLM_MODEL override: qwen-1.5b, qwen-0.5b, ...")
        parser.add_argument("--threads", type=int, default=settings.TORCH_THREADS)
        parser.add_argument("--store", action="store_true", help="keep the notes (MovieNote rows)")
        parser.add_argument("--dump", default="", help="write every film as a JSON line to this file")

    def handle(self, *args, **o):
        # Settings are read once at start: the option overrides TORCH_THREADS for this run only.
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        movies = [
            m
            for m in Movie.objects.filter(pk__in=services.films_with_plot()).order_by("-rating_count", "pk")
            if services.synopsis_possible(m)
        ][: o["films"]]
        if not movies:
            raise CommandError("no film has plot text long enough for a synopsis")
        started = time.monotonic()
        backend = generation.get_backend(o["model"])
        checker = notes_checks.support_checker(backend)
        if checker is None:
            raise CommandError("the support check (recommender.llm.support) is not installed")
        self.stdout.write(
            f"model {backend.name} ({backend.version}) loaded in {time.monotonic() - started:.1f} s; "
            f"{len(movies)} films with plot text"
        )
        dump = open(o["dump"], "w") if o["dump"] else None  # noqa: SIM115 - closed below
        syn_secs: list[float] = []
        guide_secs: list[float] = []
        shown = first = 0
        judged = rejected = 0  # synopsis sentences the support check saw / turned down (all attempts)
        shown_sentences = 0
        guides = characters = statements = unsupported_statements = 0
        failures: Counter[str] = Counter()
        for movie in tqdm(movies, desc="movie notes"):
            cast = parse_cast(movie.cast_names)
            t0 = time.monotonic()
            result = synopsis_write(
                title=movie.title,
                year=movie.year,
                cast=cast,
                plot=movie.plot,
                backend=backend,
                support=checker,
            )
            assert result is not None
            syn_secs.append(time.monotonic() - t0)
            shown += bool(result.text)
            first += result.passed_first
            for attempt in result.problems:
                for problem in attempt:
                    failures[problem.split(":")[0].split(",")[0]] += 1
            # The support check ran on every attempt that passed the rule checks.
            attempts_judged = [t for t, p in zip(result.rejected, result.problems, strict=True) if _judged(p)]
            judged += sum(len(grounding.sentences(t)) for t in attempts_judged)
            judged += len(grounding.sentences(result.text))
            rejected += len(result.unsupported)
            shown_sentences += len(grounding.sentences(result.text))

            t0 = time.monotonic()
            guide = character_guide(title=movie.title, plot=movie.plot, cast_names=movie.cast_names)
            said = guide_statements(guide)
            source = notes_checks.split_plot(movie.plot).shown + (
                "\nCast: " + ", ".join(cast) if cast else ""
            )
            bad = checker(source, said) if said else []
            guide_secs.append(time.monotonic() - t0)
            guides += bool(guide)
            characters += len(guide)
            statements += len(said)
            unsupported_statements += len(bad)
            if o["store"]:
                services.movie_notes_refresh(movie_id=movie.pk, backend=backend)
            if dump:
                item = {
                    "movie_id": movie.pk,
                    "film": f"{movie.title} ({movie.year})",
                    "synopsis": result.text,
                    "attempts": result.attempts,
                    "problems": result.problems,
                    "rejected": result.rejected,
                    "synopsis_seconds": round(syn_secs[-1], 1),
                    "guide": guide,
                    "guide_unsupported": bad,
                    "guide_seconds": round(guide_secs[-1], 1),
                }
                dump.write(json.dumps(item) + "\n")
                dump.flush()
        if dump:
            dump.close()
        self._report(
            o,
            backend,
            n=len(movies),
            synopsis={
                "shown": shown,
                "first": first,
                "secs": syn_secs,
                "judged": judged,
                "rejected": rejected,
            },
            shown_sentences=shown_sentences,
            guide={
                "guides": guides,
                "characters": characters,
                "statements": statements,
                "unsupported": unsupported_statements,
                "secs": guide_secs,
            },
            failures=failures,
        )

    def _report(self, o, backend, *, n, synopsis, shown_sentences, guide, failures) -> None:
        def pct(secs: list[float], q: int) -> float:
            return float(np.percentile(secs, q))

        s, g = synopsis, guide
        guide_rate = g["unsupported"] / g["statements"] if g["statements"] else 0.0
        rows = [
            ("kind", "films", "shown", "pass", "first try", "p50 s", "p95 s"),
            ("synopsis", n, s["shown"], f"{s['shown'] / n:.2f}", f"{s['first'] / n:.2f}",
             f"{pct(s['secs'], 50):.1f}", f"{pct(s['secs'], 95):.1f}"),
            ("characters", n, g["guides"], f"{g['guides'] / n:.2f}", "-",
             f"{pct(g['secs'], 50):.1f}", f"{pct(g['secs'], 95):.1f}"),
        ]  # fmt: skip
        self.stdout.write("")
        for row in rows:
            self.stdout.write("  ".join(f"{str(c):>10}" for c in row))
        self.stdout.write(
            f"synopsis: the support check judged {s['judged']} sentences over all attempts and turned down "
            f"{s['rejected']}; the {shown_sentences} sentences shown all passed it (it is a gate)"
        )
        self.stdout.write(
            f"character guide: {g['characters']} characters, {g['statements']} statements shown (actor and "
            f"line), {g['unsupported']} unsupported by the check = {guide_rate:.3f}"
        )
        for problem, count in failures.most_common():
            self.stdout.write(f"  failed synopsis check ({count}x over all attempts): {problem}")
        self.stdout.write(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, torch threads {o['threads']}, "
            f"python {platform.python_version()}"
        )
        self.stdout.write(
            f"notes synopsis pass_before_fallback={s['shown'] / n:.4f} first_try={s['first'] / n:.4f} "
            f"p50_s={pct(s['secs'], 50):.1f} p95_s={pct(s['secs'], 95):.1f} unsupported_shown=0.0000 "
            f"support_rejected={s['rejected']}/{s['judged']} n={n} model={backend.version}"
        )
        self.stdout.write(
            f"notes characters pass_before_fallback={g['guides'] / n:.4f} "
            f"p50_s={pct(g['secs'], 50):.1f} p95_s={pct(g['secs'], 95):.1f} "
            f"unsupported_shown={guide_rate:.4f} statements={g['statements']} n={n} model={backend.version}"
        )


def _judged(problems: list[str]) -> bool:
    """Did an attempt reach the support check (it passed every rule check)?"""
    return all(p.startswith("not supported by the plot text") for p in problems)
