"""The recommender functions the API calls, gathered in one place.

Each function here is a thin call point: the API views never reach into the recommender's
internals, so when a service moves or is renamed only this file changes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from community.accounts.models import User
from community.movies.models import Movie
from recommender import selectors as recommender_selectors
from recommender.models import GeneratedText


def similar_movies(*, movie: Movie, limit: int) -> list[dict[str, Any]]:
    """Movies like this one, most similar first, as ``{"movie": Movie, "score": float}``."""
    similar = recommender_selectors.similar_movies(movie=movie, limit=limit)
    prefetch_related_objects([item["movie"] for item in similar], "genres")
    return similar


def generated_text_request(*, user: User, movie: Movie, kind: str) -> GeneratedText:
    """Mark the user's text of this kind about the movie as pending and queue its generation.

    A request while one is already pending returns that one instead of queueing twice.
    """
    now = timezone.now()
    with transaction.atomic():
        text, created = GeneratedText.objects.select_for_update().get_or_create(
            kind=kind,
            user=user,
            movie=movie,
            defaults={"status": GeneratedText.Status.PENDING, "created_at": now, "updated_at": now},
        )
        if not created and text.status == GeneratedText.Status.PENDING and text.task_id:
            return text
        text.status = GeneratedText.Status.PENDING
        text.error = ""
        text.task_id = str(uuid.uuid4())
        text.updated_at = now
        text.save(update_fields=["status", "error", "task_id", "updated_at"])
        task_id, text_id = text.task_id, text.pk
        transaction.on_commit(lambda: _queue_generation(text_id=text_id, task_id=task_id))
    return text


def _queue_generation(*, text_id: int, task_id: str) -> None:
    # The row remembers task_id: the task skips deliveries of older, superseded requests.
    from recommender.tasks.generation import generated_text_produce

    generated_text_produce.apply_async(args=[text_id], task_id=task_id)
