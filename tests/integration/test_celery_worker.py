from datetime import UTC, datetime
from decimal import Decimal

import pytest

from community.accounts.models import User
from community.celery import app as celery_app
from community.movies.models import Movie
from community.reviews.models import Rating

from .conftest import wait_for

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
