"""Fold-in latency end to end: a member rates a movie, how long until their rows are refreshed?

    manage.py bench_foldin [--n 10] [--timeout 30]

Needs the site's Celery worker running on the configured broker (for example
``celery -A community worker``) and a trained model. Each round rates the member's current
top pick through the same service the website uses; the rating is saved, ``rating_saved``
queues ``recommendations_refresh`` after commit, a worker folds the member into the loaded
model and stores new rows. The clock stops when the rated movie has left the stored rows.
The first round includes the worker loading the model if it had not yet.
"""

from __future__ import annotations

import time
from decimal import Decimal

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from community.celery import app as celery_app
from community.reviews.services import rating_set
from recommender.models import Recommendation
from recommender.services.recommendations import current_model, recommendations_refresh

from ._bench import bench_member


class Command(BaseCommand):
    help = "Seconds from a new rating to refreshed recommendations, through a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=10, help="ratings to time")
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait per rating")

    def handle(self, *args, **opts):
        if current_model() is None:
            raise CommandError("No recommender model: run `manage.py train_recommender` first.")
        if not celery_app.control.ping(timeout=3):
            raise CommandError("No Celery worker answered: start one (celery -A community worker).")
        user = self._member()
        samples: list[float] = []
        for i in range(opts["n"]):
            top = (
                Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS)
                .order_by("rank")
                .select_related("movie")
                .first()
            )
            if top is None:
                raise CommandError("The member has no top picks.")
            before = Recommendation.objects.filter(user=user).aggregate(m=Max("created_at"))["m"]
            started = time.monotonic()
            rating_set(user=user, movie=top.movie, score=Decimal("4.5") if i % 2 else Decimal("2.0"))
            deadline = started + opts["timeout"]
            while time.monotonic() < deadline:
                latest = Recommendation.objects.filter(user=user).aggregate(m=Max("created_at"))["m"]
                gone = not Recommendation.objects.filter(user=user, movie=top.movie).exists()
                if latest != before and gone:
                    break
                time.sleep(0.02)
            else:
                raise CommandError(f"no refresh within {opts['timeout']} s (is the worker busy?)")
            seconds = time.monotonic() - started
            samples.append(seconds)
            self.stdout.write(f"rated {top.movie.title!r}: rows refreshed after {seconds:.2f} s")
        arr = np.array(samples)
        warm = arr[1:] if len(arr) > 1 else arr
        self.stdout.write(
            f"foldin n={len(arr)} first_s={arr[0]:.2f} p50_s={np.percentile(warm, 50):.2f} "
            f"p95_s={np.percentile(warm, 95):.2f} max_s={warm.max():.2f} (goal: <= 2 s)"
        )

    def _member(self):
        """A member who rated the 20 most rated movies, with stored rows to start from."""
        user = bench_member("bench_foldin", lambda i: Decimal("4.0"))
        recommendations_refresh(user_id=user.pk)
        return user
