"""The console's aggregates are kept by this task (slow queue), never computed by a page."""

from __future__ import annotations

import contextlib

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from recommender.audiences.services import audiences_queue_due, audiences_queue_if_due
from recommender.insight import services, summary

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
    if services.film_insight_refresh(movie_id=movie_id) is None:
        return "gone"
    summary.audience_summary_queue_if_due(movie_id=movie_id)  # the AI summary, when enough changed
    audiences_queue_if_due(movie_id=movie_id)  # the movie page's "What audiences say", likewise
    return "done"


INSIGHT_BATCH = 500  # films per film_insights_refresh_many task


@shared_task(
    name="recommender.insight.tasks.film_insights_refresh_many",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def film_insights_refresh_many(movie_ids: list[int]) -> int:
    """Recompute many films' aggregates (bulk queue: a member's import rated them all at once),
    each comparable-film group once, then queue what film_insight_refresh_task queues for each
    film when due. Safe to run twice (rows are rewritten)."""
    services.film_insights_refresh(movie_ids=movie_ids)
    for movie_id in movie_ids:
        summary.audience_summary_queue_if_due(movie_id=movie_id)
        audiences_queue_if_due(movie_id=movie_id)
    return len(movie_ids)


@shared_task(
    name="recommender.insight.tasks.film_insights_refresh_all",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def film_insights_refresh_all() -> int:
    """The daily pass (and the first one after the scheduler starts): every film with activity,
    then the AI audience summaries and the movie pages' "What audiences say" that are due (each
    on its own slow-queue task)."""
    ids = services.films_to_refresh()
    services.film_insights_refresh(movie_ids=ids)
    summary.audience_summaries_queue_due()
    audiences_queue_due()
    return len(ids)


@shared_task(
    bind=True,
    name="recommender.insight.tasks.audience_summary_refresh_task",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def audience_summary_refresh_task(self, movie_id: int) -> str:
    """Write one film's audience summary (slow queue: it runs the language model); safe to run
    twice: a summary already written from the same figures is kept as it is."""
    try:
        row = summary.audience_summary_refresh(movie_id=movie_id)
    except FileNotFoundError as exc:
        # the generator is not prepared yet (prepare_models): try later; the page says "not yet"
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=300) from exc
        return "no model"
    if row is None:
        return "none"
    return "template" if row.is_fallback else "model"
