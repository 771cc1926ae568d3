"""Background ranking: a user's rows after they rate or review, and the scheduled retrain.

Tasks take ids, call one service and are safe to run twice (a refresh replaces the
user's rows; a retrain writes a new version and swaps it in atomically).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

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
def recommender_retrain(refresh_users: bool = True, content: str = "auto") -> str:
    """Full retrain and atomic swap (bulk queue); then queue every rating user's rows.

    ``content="auto"`` trains on MiniLM content when its vectors are cached, else on TF-IDF
    (seconds, where MiniLM takes minutes on a fresh cache) and queues
    ``recommender_upgrade_content``, which retrains on MiniLM once its vectors are computed.
    A first model on TF-IDF serves the prior blend (no validation folds: a minute instead of
    several on 2 cores) until the content upgrade learns one. A first model refreshes
    members' rows on the quick queue (each a fraction of a second), so a newcomer's picks do
    not wait behind the bulk queue's backfills; other users' rows are
    refreshed in batches on the bulk queue. A retrain the guard rejects (validation NDCG@10
    more than 3% below the served model's) is recorded and kept on disk but not served, so
    no rows are refreshed from it."""
    first = not recommender_model.served_artifact_exists()
    artifact = recommender_model.recommender_train(content=content, first_start=first and content == "auto")
    if content == "auto" and artifact.metrics.get("content") == "tfidf":
        transaction.on_commit(lambda: recommender_upgrade_content.delay(), robust=True)
    if artifact.is_active and refresh_users:
        _queue_refreshes(members_first=first)
    return artifact.version


def _queue_refreshes(*, members_first: bool) -> None:
    users = recommender_model.active_user_ids()
    if members_first:
        members = set(recommender_model.member_ids(users))
        for user_id in members:
            recommendations_refresh.delay(user_id)
        users = [u for u in users if u not in members]
    for start in range(0, len(users), REFRESH_BATCH):
        recommendations_refresh_many.delay(users[start : start + REFRESH_BATCH])


@shared_task(
    bind=True,
    name="recommender.tasks.recommendations.recommender_upgrade_content",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_jitter=True,
    max_retries=3,
)
def recommender_upgrade_content(self) -> str:
    """Compute the MiniLM vectors of every film (minutes on a fresh cache), then retrain on
    them and swap the model in through the retrain guard, and refresh every user's rows from
    it (bulk queue). Does nothing when the served model already has MiniLM content or a MiniLM
    retrain was already tried since it was served: safe to run twice. While MiniLM cannot be
    loaded yet (its model is still being prepared), it tries again in 5 minutes, up to an hour."""
    if not recommender_model.content_upgrade_due():
        return "not due"
    try:
        recommender_model.minilm_vectors(recommender_model.catalogue_texts())
    except Exception as exc:
        log.warning("MiniLM vectors not ready (%s); trying the content upgrade again later", exc)
        raise self.retry(exc=exc, countdown=300, max_retries=12) from exc
    if not recommender_model.content_upgrade_due():  # another run finished meanwhile
        return "not due"
    artifact = recommender_model.recommender_train(content="minilm")
    if artifact.is_active:
        _queue_refreshes(members_first=False)
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
