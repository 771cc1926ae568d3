"""Ask CineCircle's slow-queue work: the generator's reading of a request and the picks'
sentences (services.ask_turn_complete). Takes a turn id; safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(bind=True, name="recommender.ask.tasks.ask_turn_complete", acks_late=True, max_retries=3)
def ask_turn_complete(self, turn_id: int) -> str:
    try:
        turn = services.ask_turn_complete(turn_id=turn_id, task_id=self.request.id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc
    except FileNotFoundError as exc:
        # model files missing: prepare_models has not finished yet
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=120) from exc
        services.ask_turn_fail(turn_id=turn_id, error="The language model is still warming up.")
        return "failed"
    except Exception as exc:
        log.exception("ask turn %s failed", turn_id)
        services.ask_turn_fail(turn_id=turn_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return "gone" if turn is None else "done"
