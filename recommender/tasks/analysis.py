"""Background analysis of reviews and refresh of taste profiles.

Tasks take ids, re-read the rows and call one service; they are safe to run twice
(the service skips work already done) and acknowledge late, so a task of a worker
killed mid-way is delivered again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from community.reviews.models import Review
from recommender.llm import sentiment
from recommender.services import analysis

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
BACKFILL_BATCH = 32
# The sweep: reviews this old without an analysis by the current model lost their task.
SWEEP_AGE = timedelta(minutes=5)
SWEEP_BATCH = 200
# A review the sweep queued is not queued again for this long (a busy queue may hold it).
SWEEP_REQUEUE_SECONDS = 30 * 60


def _model_ready() -> bool:
    from recommender.llm.registry import use_fake_models

    return use_fake_models() or sentiment.sentiment_ready()


@shared_task(
    name="recommender.tasks.analysis.analyse_review",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def analyse_review(review_id: int) -> str:
    """Analyse one new or edited review, then refresh its author's rows (once: the event that
    queued this task queues no refresh of its own). The service queues the taste profile.

    While the model is still being prepared the backfill analyses it later; the rows are
    refreshed now all the same.
    """
    from recommender.tasks.recommendations import recommendations_refresh

    if not _model_ready():
        log.info("sentiment model not ready; review %s waits for the backfill", review_id)
        author_id = Review.objects.filter(pk=review_id).values_list("user_id", flat=True).first()
        if author_id is not None:
            recommendations_refresh.delay(author_id)
        return "warming-up"
    result = analysis.review_analyse(review_id=review_id)
    if result is None:
        return "gone"
    # The review's sentiment changes how much its rating says: re-rank the author's picks.
    recommendations_refresh.delay(result.review.user_id)
    return "done"


@shared_task(
    name="recommender.tasks.analysis.analyse_reviews_batch",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def analyse_reviews_batch(review_ids: list[int]) -> int:
    """Analyse a batch of reviews in one model pass (the backfill queues these)."""
    if not _model_ready():
        return 0
    return len(analysis.reviews_analyse(review_ids=review_ids, bulk=True))


@shared_task(
    name="recommender.tasks.analysis.taste_profile_refresh",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_jitter=True,
    max_retries=6,
)
def taste_profile_refresh(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(pk=user_id).exists():
        return "gone"
    analysis.taste_profile_update(user_id=user_id)
    return "done"


def queue_backfill(*, model_version: str, batch: int = BACKFILL_BATCH, limit: int | None = None) -> int:
    """Queue every review not analysed by `model_version`, in batches; returns how many."""
    ids = list(analysis.reviews_needing_analysis(model_version=model_version))
    if limit is not None:
        ids = ids[:limit]
    for start in range(0, len(ids), batch):
        analyse_reviews_batch.delay(ids[start : start + batch])
    return len(ids)


@shared_task(name="recommender.tasks.analysis.unanalysed_reviews_sweep", acks_late=True)
def unanalysed_reviews_sweep(limit: int = SWEEP_BATCH) -> int:
    """Queue the analysis of reviews saved more than SWEEP_AGE ago that the current sentiment
    model has not analysed; returns how many were queued.

    Their task never reached the broker (it was down when the review was posted) or was lost.
    At most `limit` per run, newest first (the backfill after a model change works from the
    oldest); a review queued by an earlier run is left alone for SWEEP_REQUEUE_SECONDS.
    """
    if not _model_ready():
        return 0
    version = sentiment.get_analyser().version
    cutoff = timezone.now() - SWEEP_AGE
    candidates = list(
        analysis.reviews_needing_analysis(model_version=version)
        .filter(updated_at__lte=cutoff)
        .order_by("-updated_at", "-pk")[:limit]
    )
    keys = {f"analysis-sweep:{version}:{review_id}": review_id for review_id in candidates}
    recently_queued = cache.get_many(list(keys))
    queued = []
    for key, review_id in keys.items():
        if key not in recently_queued:
            analyse_review.delay(review_id)
            queued.append(key)
    cache.set_many(dict.fromkeys(queued, 1), SWEEP_REQUEUE_SECONDS)
    if queued:
        log.warning("analysis sweep: queued %s reviews left without an analysis by %s", len(queued), version)
    return len(queued)
