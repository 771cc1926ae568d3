"""Preparing the models in the background on first start (queued by `runsite`), and
preparing again a model whose files went missing or corrupt."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from recommender.llm import registry
from recommender.services import llm_models

log = logging.getLogger(__name__)

# A repair asked for by many workers at once is queued once in this window.
REPAIR_QUEUE_SECONDS = 300
_REPAIR_KEY = "models-repair-queued"


@shared_task(
    name="recommender.prepare_models", acks_late=True, time_limit=4 * 3600, soft_time_limit=4 * 3600 - 60
)
def prepare_models() -> dict[str, str]:
    """Download, assemble, convert and train whatever is missing or corrupt; safe to queue repeatedly."""
    try:
        return llm_models.models_prepare()
    except Exception as exc:
        llm_models.status_write(stage="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    finally:
        cache.delete(_REPAIR_KEY)


@shared_task(name="recommender.sentiment_quick", acks_late=True, time_limit=3600, soft_time_limit=3540)
def sentiment_quick() -> str:
    """The first start's quick sentiment version and its reading of every review (`runsite`
    queues it right after the recommender's first training); safe to queue repeatedly."""
    try:
        return llm_models.models_prepare_quick() or "nothing to do"
    except Exception as exc:
        llm_models.status_write(stage="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        raise


def models_repair_queue(part: str = "") -> bool:
    """Queue `prepare_models` (slow queue) to make a damaged part again; False if already queued."""
    if not cache.add(_REPAIR_KEY, part or "models", timeout=REPAIR_QUEUE_SECONDS):
        return False
    log.warning("queued the repair of the %s model", part or "language")
    prepare_models.delay()
    return True


# Workers that find a part corrupt while loading it ask for its repair through this hook.
if models_repair_queue not in registry.REPAIR_HOOKS:
    registry.REPAIR_HOOKS.append(models_repair_queue)


@shared_task(name="recommender.models_check", ignore_result=True)
def models_check() -> list[str]:
    """Periodic: compare the prepared models' file sizes with their manifests (a few stat
    calls) and queue their repair when one differs; returns the damaged parts."""
    damaged = llm_models.models_check(full=False)
    if damaged:
        for problems in damaged.values():
            log.error("%s; queueing its repair", problems[0])
        models_repair_queue(",".join(damaged))
    return sorted(damaged)
