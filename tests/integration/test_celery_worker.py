import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from community.accounts.models import User
from community.celery import app as celery_app
from community.movies.models import Movie
from community.reviews.models import Rating

from .conftest import ROOT, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_task_sent_through_redis_is_run_by_a_real_worker_and_lands_in_postgresql(live_worker):
    movie = Movie.objects.create(title="Heat", year=1995, slug="heat-1995")
    when = datetime(2020, 1, 1, tzinfo=UTC)
    for n, score in enumerate(["5.0", "4.0", "4.5"]):
        user = User.objects.create(username=f"rater{n}", external_id=f"ml:{n}", kind=User.Kind.MOVIELENS)
        Rating.objects.create(user=user, movie=movie, score=Decimal(score), created_at=when, updated_at=when)
    assert Movie.objects.get(pk=movie.pk).rating_count == 0

    celery_app.send_task("community.movies.refresh_movie_stats", queue=live_worker.queue)

    refreshed = wait_for(
        lambda: Movie.objects.filter(pk=movie.pk, rating_count=3).first(), worker=live_worker
    )
    assert refreshed.rating_average == pytest.approx(4.5)
    assert "community.movies.refresh_movie_stats" in live_worker.log()
    assert "succeeded" in live_worker.log()


def test_a_worker_registers_every_task_the_site_queues():
    # A worker knows only the tasks autodiscovery imports; it rejects anything else. A fresh
    # process, because this one may have imported task modules that a worker would not.
    script = (
        "import django, json; django.setup();"
        "from community.celery import app; app.loader.import_default_modules();"
        "print(json.dumps(sorted(app.tasks)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    registered = set(json.loads(out.stdout.strip().splitlines()[-1]))
    expected = {
        "community.movies.refresh_movie_stats",
        "recommender.prepare_models",
        "recommender.tasks.analysis.analyse_review",
        "recommender.tasks.analysis.analyse_reviews_batch",
        "recommender.tasks.analysis.taste_profile_refresh",
        "recommender.tasks.generation.generated_text_produce",
        "recommender.tasks.generation.explanations_refresh",
        "recommender.tasks.recommendations.recommendations_refresh",
        "recommender.tasks.recommendations.recommendations_refresh_many",
        "recommender.tasks.recommendations.recommender_retrain",
    }
    assert expected <= registered, expected - registered
