"""Pass rate, latency and support of "What audiences say" on real films.

Reads the N films with the most visible analysed reviews (at least 5), builds each film's
spoiler-free counts and quotes (recommender.audiences.facts), writes the text through the
checked pipeline (the rule checks, the support check against the counts, one stricter retry,
then nothing) and prints a table, the failed checks and machine lines. Read-only: nothing
is stored.

--standin-analyses is for a database whose reviews have no analyses yet (the sentiment model
not trained): each review is analysed in memory by the TF-IDF + logistic regression baseline
trained on the labelled reviews (sentiment.train_tfidf; the review's label from its
probability, each aspect sentence of the lexicon scored alike), so the generator's stage can
be measured on real review text. Its counts are the baseline's, not the production model's;
the machine line says which.
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
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from tqdm import tqdm

from community.movies.models import Movie
from community.reviews.models import Review
from recommender.audiences import facts as audience_facts
from recommender.audiences.services import films_with_enough_reviews
from recommender.llm import audiences_prompts, generation, grounding, notes_checks
from recommender.llm.audiences_generation import audiences_write


class TfidfStandin:
    """The labelled-set baseline as an analyser: review label and lexicon aspect sentences."""

    version = "tfidf-standin-1"

    def __init__(self) -> None:
        from recommender.llm import sentiment
        from recommender.llm.sentiment.text import ASPECT_PATTERNS
        from recommender.llm.sentiment.training import train_tfidf

        df = sentiment.load_labelled()
        self.model = train_tfidf(df["text"].tolist(), df["label"].tolist())
        self.patterns = ASPECT_PATTERNS
        self.split = sentiment.split_sentences

    @staticmethod
    def _label(p: float) -> str:
        return "positive" if p >= 0.6 else "negative" if p <= 0.4 else "mixed"

    def reviews(self, movie_id: int) -> list[audience_facts.CountedReview]:
        rows = list(
            Review.objects.visible()
            .filter(movie_id=movie_id)
            .values_list("pk", "has_spoilers", "body")
            .order_by("pk")
        )
        out = []
        for pk, spoiler, body in rows:
            sentences = self.split(body)
            probs = self.model.predict_proba([body, *sentences])[:, 1]
            aspects = []
            for aspect, pattern in self.patterns.items():
                for sentence, p in zip(sentences, probs[1:], strict=True):
                    if pattern.search(sentence):
                        score = round(2 * float(p) - 1, 3)
                        aspects.append(
                            {
                                "aspect": aspect,
                                "sentiment": self._label(p),
                                "score": score,
                                "sentence": sentence,
                            }
                        )
                        break
            out.append(
                audience_facts.CountedReview(
                    pk, spoiler, body, self._label(float(probs[0])), aspects, timezone.now()
                )
            )
        return out


class Command(BaseCommand):
    help = "Write 'What audiences say' for N real films; print pass rates, latency, support, machine lines."

    def add_arguments(self, parser):
        parser.add_argument("--films", type=int, default=50)
        parser.add_argument("--model", default=None, help="LLM_MODEL override: qwen-1.5b, qwen-0.5b, ...")
        parser.add_argument("--threads", type=int, default=settings.TORCH_THREADS)
        parser.add_argument("--dump", default="", help="write every film as a JSON line to this file")
        parser.add_argument(
            "--from-dump",
            default="",
            help="print the figures of a dump written earlier (a run stopped at the deadline) instead",
        )
        parser.add_argument(
            "--standin-analyses",
            action="store_true",
            help="analyse the reviews in memory with the TF-IDF baseline (no stored analyses needed)",
        )

    def handle(self, *args, **o):
        if o["from_dump"]:
            self._from_dump(o)
            return
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _from_dump(self, o) -> None:
        with open(o["from_dump"]) as f:
            items = [json.loads(line) for line in f if line.strip()]
        if not items:
            raise CommandError("the dump holds no film")
        failures: Counter[str] = Counter()
        for item in items:
            for attempt in item["problems"]:
                for problem in attempt:
                    failures[problem.split(":")[0].split(" (")[0]] += 1
        self._report(
            o,
            n=len(items),
            shown=sum(bool(i["text"]) for i in items),
            first=sum(bool(i["text"]) and i["attempts"] == 1 for i in items),
            secs=[i["seconds"] for i in items],
            judged=sum(i.get("judged", 0) for i in items),
            rejected=sum(len(i["unsupported"]) for i in items),
            shown_sentences=sum(len(grounding.sentences(i["text"])) for i in items),
            failures=failures,
            analyses=items[0].get("analyses", "?"),
            model=items[0].get("model", "?"),
        )

    def _films(self, o) -> tuple[list[Movie], Any]:
        if o["standin_analyses"]:
            standin = TfidfStandin()
            ids = list(
                Review.objects.visible()
                .values("movie_id")
                .annotate(n=Count("pk"))
                .filter(n__gte=audience_facts.MIN_REVIEWS)
                .order_by("-n", "movie_id")
                .values_list("movie_id", flat=True)
            )
            read = standin.reviews
        else:
            ids = films_with_enough_reviews()
            read = audience_facts.counted_reviews
        movies = {m.pk: m for m in Movie.objects.filter(pk__in=ids).only("pk", "title", "year")}
        return [movies[i] for i in ids if i in movies], read

    def _run(self, **o):
        movies, read = self._films(o)
        variants = []
        for movie in movies:
            reviews = [r for r in read(movie.pk) if not r.has_spoilers]
            variant = audience_facts.build_facts(movie, reviews, spoilers_included=False)
            if variant is not None:
                variants.append((movie, variant))
            if len(variants) == o["films"]:
                break
        if not variants:
            raise CommandError("no film has 5 analysed reviews (try --standin-analyses)")
        started = time.monotonic()
        backend = generation.get_backend(o["model"])
        support = notes_checks.support_checker(backend)
        if support is None:
            raise CommandError("the support check (recommender.llm.support) is not installed")
        self.stdout.write(
            f"model {backend.name} ({backend.version}) loaded in {time.monotonic() - started:.1f} s; "
            f"{len(variants)} films with 5+ reviews"
        )
        dump = open(o["dump"], "w") if o["dump"] else None  # noqa: SIM115 - closed below
        secs: list[float] = []
        shown = first = judged = rejected = shown_sentences = 0
        failures: Counter[str] = Counter()
        for movie, variant in tqdm(variants, desc="what audiences say"):
            t0 = time.monotonic()
            result = audiences_write(facts=variant.facts, backend=backend, support=support)
            secs.append(time.monotonic() - t0)
            shown += bool(result.text)
            first += result.passed_first
            judged += result.judged
            rejected += len(result.unsupported)
            shown_sentences += len(grounding.sentences(result.text))
            for attempt in result.problems:
                for problem in attempt:
                    failures[problem.split(":")[0].split(" (")[0]] += 1
            if dump:
                item = {
                    "movie_id": movie.pk,
                    "film": f"{movie.title} ({movie.year})",
                    "facts": audiences_prompts.facts_block(variant.facts.movie, variant.facts.audience),
                    "text": result.text,
                    "quotes": variant.quotes,
                    "points": audience_facts.sentence_points(result.text, variant.facts)
                    if result.text
                    else [],
                    "attempts": result.attempts,
                    "problems": result.problems,
                    "rejected": result.rejected,
                    "trimmed_from": result.trimmed_from,
                    "unsupported": result.unsupported,
                    "seconds": round(secs[-1], 1),
                    "judged": result.judged,
                    "analyses": TfidfStandin.version if o["standin_analyses"] else "stored",
                    "model": backend.version,
                }
                dump.write(json.dumps(item) + "\n")
                dump.flush()
        if dump:
            dump.close()
        self._report(
            o,
            n=len(variants),
            shown=shown,
            first=first,
            secs=secs,
            judged=judged,
            rejected=rejected,
            shown_sentences=shown_sentences,
            failures=failures,
            analyses=TfidfStandin.version if o["standin_analyses"] else "stored",
            model=backend.version,
        )

    def _report(
        self, o, *, n, shown, first, secs, judged, rejected, shown_sentences, failures, analyses, model
    ):
        p50, p95 = float(np.percentile(secs, 50)), float(np.percentile(secs, 95))
        self.stdout.write("")
        self.stdout.write(f"{'films':>8} {'shown':>6} {'pass':>6} {'first':>6} {'p50 s':>7} {'p95 s':>7}")
        self.stdout.write(f"{n:>8} {shown:>6} {shown / n:>6.2f} {first / n:>6.2f} {p50:>7.1f} {p95:>7.1f}")
        self.stdout.write(
            f"support check: judged {judged} sentences over all attempts, turned down {rejected}; "
            f"the {shown_sentences} sentences shown all passed it (it is a gate)"
        )
        for problem, count in failures.most_common():
            self.stdout.write(f"  failed check ({count}x over all attempts): {problem}")
        self.stdout.write(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, torch threads {o['threads']}, "
            f"python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
        )
        self.stdout.write(
            f"audiences pass_before_fallback={shown / n:.4f} first_try={first / n:.4f} p50_s={p50:.1f} "
            f"p95_s={p95:.1f} support_rejected={rejected}/{judged} shown_sentences={shown_sentences} n={n} "
            f"analyses={analyses} model={model}"
        )
