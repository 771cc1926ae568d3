"""Start the whole site on one machine: database, data, a real Celery worker and the web server."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from community.celery import app as celery_app
from community.movies.models import Movie

WARMUP_TASKS = (
    # (task name, why, quick) - sent by name so community never imports recommender code.
    # `quick`: sent to the quick worker instead of the task's usual queue. The recommender's
    # first training goes first on the bulk queue, before the slower warm-ups there: on a fresh
    # cache it trains on TF-IDF content in seconds and queues its MiniLM upgrade behind them,
    # and the quick worker stays free for the rating refreshes of the members' first picks.
    ("community.movies.refresh_movie_stats", "check the worker answers", True),
    (
        "recommender.tasks.recommendations.recommender_retrain",
        "train the recommender on the imported ratings (TF-IDF content first on a fresh cache)",
        False,
    ),
    (
        "recommender.sentiment_quick",
        "read every review with a quick TF-IDF sentiment model (trained in under a minute)",
        False,
    ),
    (
        "recommender.insight.tasks.film_insights_refresh_all",
        "compute the studio console's figures for every film",
        False,
    ),
    (
        "recommender.prepare_models",
        "download, assemble, convert and train the models in the background",
        False,
    ),
)


class Command(BaseCommand):
    help = "Migrate, import the data on first run, start a Celery worker and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="do not start a Celery worker")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help="processes per worker (one worker serves quick tasks, one the slow queue, one bulk work)",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=1)
        if not Movie.objects.exists():
            self.stdout.write("First run: importing the real datasets (this takes about half a minute).")
            call_command("import_data")
        workers: list[subprocess.Popen] = []
        if not options["no_worker"]:
            # Quick tasks (refreshes, single analyses) and the schedule on one worker; text
            # generation a member waits for on another; backfills, retraining and model
            # preparation on a third, so a draft never queues behind them
            # (settings.CELERY_TASK_ROUTES).
            quick, slow = settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_SLOW_QUEUE
            workers.append(self._start_worker("quick", quick, options, beat=True))
            workers.append(self._start_worker("slow", slow, options, beat=False))
            workers.append(self._start_worker("bulk", settings.CELERY_BULK_QUEUE, options, beat=False))
            self._queue_warmup()
        self.stdout.write(self.style.SUCCESS(f"CineCircle is starting on http://{options['addrport']}/"))
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _start_worker(self, name: str, queue: str, options, *, beat: bool) -> subprocess.Popen:
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "community",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={options['concurrency']}",
            f"--hostname=runsite-{name}@%h",
            "-Q",
            queue,
        ]
        if beat:
            cmd += ["--beat", f"--schedule={settings.CACHE_DIR / 'celerybeat-schedule'}"]
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        self.stdout.write(f"Starting the {name} Celery worker on queue {queue!r} (broker {broker})")
        worker = subprocess.Popen(cmd, env=os.environ.copy())
        time.sleep(2)
        if worker.poll() is not None:
            self.stderr.write(self.style.ERROR(f"The {name} Celery worker exited at once; see its log."))
        return worker

    def _queue_warmup(self) -> None:
        celery_app.loader.import_default_modules()
        for name, why, quick in WARMUP_TASKS:
            if name in celery_app.tasks:
                queue = settings.CELERY_TASK_DEFAULT_QUEUE if quick else None
                celery_app.send_task(name, queue=queue)
                self.stdout.write(f"Queued {name}: {why}")
                # The embedded broker orders messages by their millisecond: keep this order.
                time.sleep(0.01)
