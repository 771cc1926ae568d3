"""The console's aggregates are kept by this task (slow queue), never computed by a page."""

from __future__ import annotations

import contextlib

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from recommender.insight import services

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="recommender.insight.tasks.film_insight_refresh_task",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def film_insight_refresh_task(movie_id: int) -> str:
    """Recompute one film's aggregates; safe to run twice (the row is simply rewritten)."""
    # Anything that changes after this point queues a new run (see film_insight_queue); a cache
    # that fails only means one more run later.
    with contextlib.suppress(Exception):
        cache.delete(services.QUEUE_KEY.format(movie_id))
    return "done" if services.film_insight_refresh(movie_id=movie_id) else "gone"


@shared_task(
    name="recommender.insight.tasks.film_insights_refresh_all",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def film_insights_refresh_all() -> int:
    """The daily pass (and the first one after the scheduler starts): every film with activity."""
    ids = services.films_to_refresh()
    services.film_insights_refresh(movie_ids=ids)
    return len(ids)
