"""Ask CineCircle on the site's own catalogue and model: seconds to the picks and to the last
sentence, the share of picks meeting every hard constraint, and the explanations' pass rate.

    manage.py bench_ask_latency [--requests 40] [--explain-turns 8] [--seed 0] [--show]

Run it on a copy of a real database (it writes conversations, and deletes them at the end),
with the recommender model trained and the generator prepared. Each request of a seeded
sample of ``recommender/ask/bench_requests.jsonl`` (English and Chinese) is asked by a
different member with at least 20 ratings, through the service the page and the API call
(``ask.services.ask_request``: rules, catalogue look-ups, the loaded hybrid, the turn
stored). Seconds to the picks is that call. For the first ``--explain-turns`` turns the
slow-queue task (``ask_turn_complete``: the generator's reading of what the rules left, then
one checked sentence per pick) is run right after in this process, as an idle worker would;
seconds to the last sentence runs from the request to the end of that task (no queue wait).
The first request (loading the model and the generator) is timed apart and not counted.

Constraint satisfaction checks every pick against the turn's final query with
``ranking.satisfies`` on the film's own genres, year, runtime and credits (a check in Python
of the database filter), and that the member never rated or dismissed it. The pass rate is
the share of sentences that passed the checks at the first attempt and after the one retry,
before the template reason stands in; ``--show`` prints each sentence with its request.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from community.accounts.models import User
from community.movies.models import Movie
from community.reviews.models import Rating
from recommender import selectors_llm
from recommender.ask import services
from recommender.ask.models import AskConversation, AskTurn
from recommender.ask.query import Query
from recommender.ask.ranking import satisfies
from recommender.llm import ask_generation
from recommender.services.recommendations import current_model, user_history

from .bench_ask import DATASET


def _percentiles(values: list[float]) -> str:
    if not values:
        return "p50 -  p95 -"
    p50, p95 = np.percentile(values, [50, 95])
    return f"p50 {p50:.2f} s  p95 {p95:.2f} s  (n={len(values)})"


def _violations(turn: AskTurn) -> tuple[int, int]:
    """(picks, picks breaking a hard constraint or already the member's) of one turn."""
    query = Query.from_dict(turn.query)
    history = user_history(user_id=turn.conversation.user_id)
    own = set(history.ratings) | history.not_interested
    ids = [p["movie_id"] for p in turn.picks]
    movies = Movie.objects.prefetch_related("genres", "credits").in_bulk(ids)
    bad = 0
    for movie_id in ids:
        m = movies[movie_id]
        ok = satisfies(
            query,
            genres=[g.name for g in m.genres.all()],
            year=m.year,
            runtime=m.runtime_minutes,
            people=[c.person_id for c in m.credits.all()],
        )
        bad += (not ok) or movie_id in own
    return len(ids), bad


class Command(BaseCommand):
    help = "Ask CineCircle on the real catalogue: seconds to the picks and to the last sentence, pass rate."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=40)
        parser.add_argument("--explain-turns", type=int, default=8)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--dataset", default=str(DATASET))
        parser.add_argument("--show", action="store_true", help="print every sentence with its request")
        parser.add_argument("--keep", action="store_true", help="keep the conversations written")

    def handle(self, *args, **o):
        if not settings.IS_POSTGRES:
            raise CommandError(
                "Run the benchmark on PostgreSQL: set DATABASE_URL to a copy of a real database."
            )
        if current_model() is None:
            raise CommandError("No recommender model: run manage.py train_recommender first.")
        if o["explain_turns"] and selectors_llm.ai_warming_up():
            raise CommandError(
                "The generator or the sentiment model is not ready (manage.py prepare_models)."
            )
        rng = np.random.default_rng(o["seed"])
        lines = Path(o["dataset"]).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        texts = [rows[i]["text"] for i in rng.permutation(len(rows))[: o["requests"] + 1]]
        raters = list(
            Rating.objects.order_by()
            .values("user_id")
            .annotate(n=Count("id"))
            .filter(n__gte=20)
            .values_list("user_id", flat=True)
        )
        if len(raters) < len(texts):
            raise CommandError(f"Only {len(raters)} members with 20 ratings; need {len(texts)}.")
        members = User.objects.in_bulk(
            [int(u) for u in rng.choice(sorted(raters), size=len(texts), replace=False)]
        )
        member_ids = list(members)
        explained: list[ask_generation.Explained] = []
        original_explain = ask_generation.explain

        def recording_explain(*args, **kwargs):
            out = original_explain(*args, **kwargs)
            explained.append(out)
            return out

        ask_generation.explain = recording_explain
        original_queue = services._queue
        services._queue = lambda turn_id, task_id: None  # the task runs here, not on a worker
        conversations: list[int] = []
        to_picks: list[float] = []
        to_last: list[float] = []
        picks_total = picks_bad = 0
        sentences: list[tuple[str, str, str, bool]] = []
        cold = ""
        try:
            for i, text in enumerate(texts):
                member = members[member_ids[i]]
                explain_it = i <= o["explain_turns"]
                start = time.perf_counter()
                turn = services.ask_request(user=member, text=text)
                picks_at = time.perf_counter() - start
                conversations.append(turn.conversation_id)
                if explain_it and turn.pending:
                    before = len(explained)
                    services.ask_turn_complete(turn_id=turn.pk, task_id=turn.task_id)
                    last_at = time.perf_counter() - start
                    turn.refresh_from_db()
                    titles = dict(
                        Movie.objects.filter(pk__in=[p["movie_id"] for p in turn.picks]).values_list(
                            "pk", "title"
                        )
                    )
                    for pick, out in zip(turn.picks, explained[before:], strict=False):
                        sentences.append(
                            (
                                text,
                                titles.get(pick["movie_id"], "?"),
                                pick.get("explanation", ""),
                                bool(out.text),
                            )
                        )
                        if o["show"]:
                            verdict = "passed" if out.text else f"fell back ({out.problems})"
                            self.stdout.write(
                                f"[{text}] {titles.get(pick['movie_id'])}: "
                                f"{pick.get('explanation')} -- {verdict}"
                            )
                else:
                    last_at = None
                n, bad = _violations(turn)
                if i == 0:
                    cold = (
                        f"first request (loads the model{' and the generator' if last_at else ''}): "
                        f"picks {picks_at:.2f} s" + (f", last sentence {last_at:.2f} s" if last_at else "")
                    )
                    explained.clear()
                    sentences.clear()
                    continue
                picks_total += n
                picks_bad += bad
                to_picks.append(picks_at)
                if last_at is not None:
                    to_last.append(last_at)
        finally:
            ask_generation.explain = original_explain
            services._queue = original_queue
            if not o["keep"]:
                AskConversation.objects.filter(pk__in=conversations).delete()
        first = sum(e.passed_first for e in explained)
        passed = sum(bool(e.text) for e in explained)
        n_expl = len(explained)
        satisfied = 1 - picks_bad / max(1, picks_total)
        say = self.stdout.write
        say(f"Ask CineCircle on {Movie.objects.count()} films, model {current_model().version}")  # type: ignore[union-attr]
        say(cold)
        say(f"seconds to the picks:         {_percentiles(to_picks)}")
        say(f"seconds to the last sentence: {_percentiles(to_last)}")
        say(f"picks meeting every hard constraint: {picks_total - picks_bad}/{picks_total} ({satisfied:.4f})")
        say(
            f"explanations passing the checks: first attempt {first}/{n_expl}, "
            f"after the retry {passed}/{n_expl} "
            f"({passed / max(1, n_expl):.3f})"
        )
        say(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        p = lambda v, q: float(np.percentile(v, q)) if v else float("nan")  # noqa: E731
        say(
            f"ask_latency requests={len(to_picks)} picks_p50={p(to_picks, 50):.3f} "
            f"picks_p95={p(to_picks, 95):.3f} "
            f"turns_explained={len(to_last)} last_p50={p(to_last, 50):.2f} last_p95={p(to_last, 95):.2f}"
        )
        say(f"ask_constraints source=served picks={picks_total} satisfied={satisfied:.4f}")
        say(
            f"ask_explanations n={n_expl} passed_first={first / max(1, n_expl):.3f} "
            f"passed={passed / max(1, n_expl):.3f}"
        )
