"""Vectors are made by these tasks (default queue: one text through MiniLM takes ~50 ms)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.similar import services

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
_RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="recommender.similar.tasks.review_vector_refresh_task", **_RETRY)
def review_vector_refresh_task(review_id: int) -> str:
    """The review's vector and neighbours after its text was saved; safe to run twice."""
    row = services.review_vector_refresh(review_id=review_id)
    return "gone" if row is None else row.model_version


@shared_task(name="recommender.similar.tasks.thread_vector_refresh_task", **_RETRY)
def thread_vector_refresh_task(thread_id: int) -> str:
    row = services.thread_vector_refresh(thread_id=thread_id)
    return "gone" if row is None else row.model_version


@shared_task(name="recommender.similar.tasks.similar_nightly", **_RETRY)
def similar_nightly() -> dict[str, int]:
    """Vectors missed by the event tasks (broker down, new encoder), then every neighbour list
    recomputed (which also drops rows deleted since)."""
    out = {}
    for name, kind in services.KINDS.items():
        out[f"{name}_embedded"] = services.vectors_backfill(kind=kind)
        out[f"{name}_lists_changed"] = services.neighbours_rebuild(kind=kind)
    return out
