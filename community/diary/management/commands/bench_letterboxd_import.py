"""Time a Letterboxd diary import: a diary.csv of N real catalog films into a fresh member.

Builds the file from films that the import's matcher finds (catalog titles as they are, so
"Usual Suspects, The" goes through the same normalisation as an export's "The Usual
Suspects"), with half-star ratings on most rows, tags on some, rewatches on a few, spread over
five years. The member is created for the run and deleted afterwards (with their ratings; the
touched films' counters are recomputed), so the command can be run again on the same database.

It writes: run it on a database of your own with a catalog (import_data, or copied films),
never on a shared one. Tasks the import queues (recommendation and taste refreshes, the studio
console's film aggregates) are counted, not run: the bench times the import task alone.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import random
import time
from decimal import Decimal

from celery import signals
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.diary.imports import import_job_create, import_job_run
from community.diary.matching import FilmIndex
from community.movies.models import Movie
from community.movies.services import movie_stats_refresh

HEADER = ["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"]
TAGS = ["rainy-day", "cinema", "with friends", "Criterion", "plane", "rewatchable", "noir", "festival"]


def diary_csv(films: list[tuple[int, str, int | None]], seed: int) -> bytes:
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    start = datetime.date(2020, 1, 1)
    for _pk, title, year in films:
        day = start + datetime.timedelta(days=rnd.randrange(5 * 365))
        rating = str(Decimal(rnd.randint(1, 10)) / 2) if rnd.random() < 0.85 else ""
        tags = ", ".join(rnd.sample(TAGS, rnd.choice([0, 0, 1, 2]))).title()
        rewatch = "Yes" if rnd.random() < 0.1 else ""
        writer.writerow([day.isoformat(), title, year, "", rating, rewatch, tags, day.isoformat()])
    return out.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = "Seconds to import a N-row Letterboxd diary.csv into a fresh member, and to import it again."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--keep", action="store_true", help="keep the benchmark member afterwards")

    def handle(self, *args, **options):
        rows, seed = options["rows"], options["seed"]
        index = FilmIndex()
        films = [
            (pk, title, year)
            for pk, title, year in Movie.objects.filter(year__isnull=False)
            .order_by("pk")
            .values_list("pk", "title", "year")
            if index.match(title, year) == pk
        ]
        if len(films) < rows:
            raise CommandError(
                f"The catalog has {len(films)} films the matcher finds, fewer than --rows {rows}: "
                "import the catalog first (manage.py import_data) or ask for fewer rows."
            )
        films = random.Random(seed).sample(films, rows)
        data = diary_csv(films, seed)

        published: list[str] = []

        def count(sender=None, **kwargs):
            published.append(str(sender))

        signals.before_task_publish.connect(count, weak=False, dispatch_uid="bench_letterboxd_import")
        User = get_user_model()
        user = User.objects.create(
            username=f"bench-letterboxd-{int(time.time())}", onboarded_at=timezone.now()
        )
        user.set_unusable_password()
        user.save()
        load_before = os.getloadavg()
        results = []
        try:
            for phase in ("first import", "import again"):
                published.clear()
                reset_queries()
                started, cpu_started = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as queries:
                    job = import_job_create(user=user, data=data, filename="diary.csv", queue=False)
                    parsed = time.perf_counter() - started
                    done = import_job_run(job_id=job.pk)
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu_started  # this process only (not PostgreSQL's)
                if done is None or done.status != "done":
                    raise CommandError(f"The {phase} did not finish: {job.pk}")
                counts = done.summary["counts"]
                results.append(
                    {
                        "phase": phase,
                        "seconds": seconds,
                        "cpu": cpu,
                        "parse": parsed,
                        "queries": len(queries),
                        "tasks": len(published),
                        "diary": (counts.get("diary:created", 0), counts.get("diary:updated", 0)),
                        "ratings": (counts.get("ratings:created", 0), counts.get("ratings:updated", 0)),
                        "unmatched": done.summary.get("unmatched_rows", 0),
                    }
                )
        finally:
            signals.before_task_publish.disconnect(dispatch_uid="bench_letterboxd_import")
            if not options["keep"]:
                user.delete()
                movie_stats_refresh(movie_ids=[pk for pk, _, _ in films])
        load_after = os.getloadavg()

        self.stdout.write(
            f"Letterboxd diary.csv import, {rows} rows of {rows} different films "
            f"(load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, {os.cpu_count()} CPUs)"
        )
        self.stdout.write(
            f"{'phase':<14} {'seconds':>8} {'cpu s':>6} {'parse s':>8} {'queries':>8} {'tasks':>6} "
            f"{'watches new/upd':>16} {'ratings new/upd':>16} {'unmatched':>9}"
        )
        for r in results:
            self.stdout.write(
                f"{r['phase']:<14} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {r['parse']:>8.2f} "
                f"{r['queries']:>8} {r['tasks']:>6} "
                f"{'{}/{}'.format(*r['diary']):>16} {'{}/{}'.format(*r['ratings']):>16} {r['unmatched']:>9}"
            )
        first, again = results
        self.stdout.write(
            f"BENCH letterboxd_import rows={rows} first_s={first['seconds']:.2f} "
            f"reimport_s={again['seconds']:.2f} first_cpu_s={first['cpu']:.2f} "
            f"reimport_cpu_s={again['cpu']:.2f} first_queries={first['queries']} "
            f"first_tasks={first['tasks']} reimport_writes={sum(again['diary']) + sum(again['ratings'])} "
            f"load1={load_before[0]:.2f} load1_after={load_after[0]:.2f}"
        )
