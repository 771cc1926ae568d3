"""Background generation of personalised texts (drafts, discussion suggestions, explanations).

The language model is loaded once per worker process (cached in recommender.llm) and
reused by every task the process runs.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.services import generation

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    name="recommender.tasks.generation.generated_text_produce",
    acks_late=True,
    max_retries=3,
)
def generated_text_produce(self, text_id: int) -> str:
    """Write one requested text; the row's task_id tells a stale delivery from the live one."""
    try:
        row = generation.generated_text_produce(text_id=text_id, task_id=self.request.id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc
    except FileNotFoundError as exc:
        # model files missing: prepare_models has not finished yet; try again later
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=120) from exc
        generation.generated_text_fail(text_id=text_id, error="The language model is still warming up.")
        return "failed"
    except Exception as exc:
        log.exception("generation of text %s failed", text_id)
        generation.generated_text_fail(text_id=text_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return "gone" if row is None else row.status


@shared_task(
    name="recommender.tasks.generation.explanations_refresh",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_jitter=True,
    max_retries=5,
)
def explanations_refresh(user_id: int, limit: int = 6) -> int:
    """Queue explanation texts for the user's top recommendations (after a refresh).

    Those the member's generation budget cannot pay for now are asked for again once it can
    (one such later run per member is enough: it looks at the rows as they are then).
    """
    from django.core.cache import cache

    from recommender.models import GeneratedText

    queued = generation.explanations_request(user_id=user_id, limit=limit)
    for text_id, task_id in GeneratedText.objects.filter(pk__in=queued.ids).values_list("pk", "task_id"):
        generated_text_produce.apply_async(args=[text_id], task_id=task_id or None)
    # The key lapses a little before the later run, which may then plan the next one itself.
    if queued.retry_after is not None and cache.add(
        f"explanations-later:{user_id}", 1, timeout=max(1, queued.retry_after - 10)
    ):
        explanations_refresh.apply_async(args=[user_id, limit], countdown=queued.retry_after)
    return len(queued.ids)
