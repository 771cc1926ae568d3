"""Preparing the models in the background on first start (queued by `runsite`)."""

from __future__ import annotations

import logging

from celery import shared_task

from recommender.services import llm_models

log = logging.getLogger(__name__)


@shared_task(
    name="recommender.prepare_models", acks_late=True, time_limit=4 * 3600, soft_time_limit=4 * 3600 - 60
)
def prepare_models() -> dict[str, str]:
    """Download, assemble, convert and train whatever is missing; safe to queue repeatedly."""
    try:
        return llm_models.models_prepare()
    except Exception as exc:
        llm_models.status_write(stage="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        raise
