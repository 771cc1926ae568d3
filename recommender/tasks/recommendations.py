"""Background ranking: a user's rows after they rate or review, and the scheduled retrain.

Tasks take ids, call one service and are safe to run twice (a refresh replaces the
user's rows; a retrain writes a new version and swaps it in atomically).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.services import recommendations, recommender_model

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
REFRESH_BATCH = 200


@shared_task(
    name="recommender.tasks.recommendations.recommendations_refresh",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
)
def recommendations_refresh(user_id: int) -> int:
    """Fold the user's latest history into the current model and store their rows.

    Members (not imported raters) then get language-model explanations for their top picks.
    """
    from django.contrib.auth import get_user_model

    from recommender.tasks.generation import explanations_refresh

    stored = recommendations.recommendations_refresh(user_id=user_id)
    User = get_user_model()
    if stored and User.objects.filter(pk=user_id, kind=User.Kind.MEMBER).exists():
        explanations_refresh.delay(user_id)
    return stored


@shared_task(
    name="recommender.tasks.recommendations.recommendations_refresh_many",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_jitter=True,
    max_retries=6,
)
def recommendations_refresh_many(user_ids: list[int]) -> int:
    return sum(recommendations.recommendations_refresh(user_id=u) for u in user_ids)


@shared_task(
    name="recommender.tasks.recommendations.recommender_retrain",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_jitter=True,
    max_retries=3,
)
def recommender_retrain(refresh_users: bool = True) -> str:
    """Full retrain and atomic swap; then queue every rating user's rows in batches.

    A retrain the guard rejects (validation NDCG@10 more than 3% below the served model's)
    is recorded and kept on disk but not served, so no rows are refreshed from it."""
    artifact = recommender_model.recommender_train()
    if not artifact.is_active:
        return artifact.version
    if refresh_users:
        users = recommender_model.active_user_ids()
        for start in range(0, len(users), REFRESH_BATCH):
            recommendations_refresh_many.delay(users[start : start + REFRESH_BATCH])
    return artifact.version


@shared_task(
    name="recommender.tasks.recommender_model.recommender_forget_users",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_jitter=True,
    max_retries=10,
)
def recommender_forget_users(user_ids: list[int]) -> int:
    """Take deleted members out of the served model files (after `user_deleted`)."""
    return recommender_model.recommender_forget_users(user_ids=user_ids)
