""" "What audiences say" is written by this task (slow queue: it runs the generator)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.audiences import services

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    name="recommender.audiences.tasks.audiences_refresh_task",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def audiences_refresh_task(self, movie_id: int) -> str:
    """Bring one film's "What audiences say" up to date; safe to run twice (a text written from
    counts that did not change enough is kept as it is)."""
    try:
        states = services.audiences_refresh(movie_id=movie_id)
    except FileNotFoundError as exc:
        # the generator is not prepared yet (prepare_models): try later; the page shows nothing
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=300) from exc
        return "no model"
    if states is None:
        return "gone"
    return ", ".join(f"{variant} {state}" for variant, state in sorted(states.items())) or "too few reviews"
