"""What `/healthz` checks: the database, the broker, the cache, and which models are ready.

Every check is cheap (no model is loaded) and bounded by a short timeout. Model readiness
comes from the upper floor through a hook, so community never imports recommender: an app
calls `register_readiness(name, check)` in its AppConfig.ready(); a check returns
`{"ready": bool, ...details}` without loading anything.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

log = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 1.0

ReadinessCheck = Callable[[], dict[str, Any]]
_readiness: dict[str, ReadinessCheck] = {}


def register_readiness(name: str, check: ReadinessCheck) -> None:
    """Let `/healthz` report whether `name` (say, "models") is ready; the check must be cheap."""
    _readiness[name] = check


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"status": "ok", **check()}
    except Exception as exc:
        result = {"status": "error", "error": f"{type(exc).__name__}: {str(exc).strip()[:300]}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


@lru_cache(maxsize=4)
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )


def _broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        client = _redis_client(url)
        client.ping()
        queues = {settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_SLOW_QUEUE, settings.CELERY_BULK_QUEUE}
        pipe = client.pipeline(transaction=False)
        for name in sorted(queues):
            pipe.llen(name)
        return {"queues": dict(zip(sorted(queues), pipe.execute(), strict=True))}
    from community.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return {}


def _cache() -> dict[str, Any]:
    token = uuid.uuid4().hex
    cache.set("healthz:probe", token, 10)
    if cache.get("healthz:probe") != token:
        raise RuntimeError("the cache did not return what was just written")
    return {}


def _models() -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for name, check in _readiness.items():
        try:
            parts[name] = check()
        except Exception as exc:
            parts[name] = {"ready": False, "error": f"{type(exc).__name__}: {exc}"}
    if not parts:
        return {"status": "unknown", "parts": {}}
    ready = all(part.get("ready") for part in parts.values())
    return {"status": "ready" if ready else "warming_up", "parts": parts}


def site_health() -> tuple[bool, dict[str, Any]]:
    """(whether the site can serve, each part's full report).

    The site can serve when the database answers and the broker and the cache are reachable;
    models still warming up only make the AI parts of pages say so.
    """
    report = {
        "database": _timed(_database),
        "broker": _timed(_broker),
        "cache": _timed(_cache),
        "models": _models(),
    }
    serving = all(report[part]["status"] == "ok" for part in ("database", "broker", "cache"))
    return serving, report


def public_view(report: dict[str, Any]) -> dict[str, Any]:
    """What anyone may see: each part's status (and each model's readiness), no details."""
    view: dict[str, Any] = {}
    for part, entry in report.items():
        view[part] = {"status": entry["status"]}
        if part == "models":
            view[part]["parts"] = {
                name: {"ready": bool(p.get("ready"))} for name, p in entry["parts"].items()
            }
    return view
