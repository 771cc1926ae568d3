"""The movie notes are written by these tasks (slow queue: the synopsis runs the generator)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.notes import services

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    name="recommender.notes.tasks.movie_notes_refresh_task",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def movie_notes_refresh_task(self, movie_id: int) -> str:
    """Bring one film's synopsis and character guide up to date; safe to run twice (notes made
    from the same plot, cast and model are kept as they are)."""
    try:
        state = services.movie_notes_refresh(movie_id=movie_id)
    except FileNotFoundError as exc:
        # the generator is not prepared yet (prepare_models): try later; the page shows no synopsis
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=300) from exc
        return "no model"
    if state is None:
        return "gone"
    return f"synopsis {state['synopsis']}, characters {state['characters']}"


@shared_task(
    name="recommender.notes.tasks.movie_notes_refresh_due",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=3,
)
def movie_notes_refresh_due() -> int:
    """The nightly pass: queue one task per film whose notes are missing or stale (new plot text
    or cast from an import, a new generator or extraction version). Returns how many."""
    from recommender.llm.generation import configured_version

    ids = services.films_with_notes_due(generator_version=configured_version())
    for movie_id in ids:
        movie_notes_refresh_task.delay(movie_id)
    return len(ids)
