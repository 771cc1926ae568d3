"""Failed Celery tasks, kept for staff (admin: Core › Failed tasks) and queued again on request."""

from __future__ import annotations

import json
import logging
import traceback as traceback_module
from typing import Any

from django.utils import timezone

log = logging.getLogger(__name__)

MESSAGE_MAX = 10_000
TRACEBACK_MAX = 50_000


def _as_json(value: Any, empty: Any) -> Any:
    """Task arguments as they were sent (JSON); anything else as its repr, never an error."""
    if value is None:
        return empty
    return json.loads(json.dumps(value, default=repr))


def failed_task_record(
    *,
    task_name: str,
    task_id: str,
    args: Any,
    kwargs: Any,
    exception: BaseException,
    traceback: str = "",
    retries: int = 0,
    request_id: str = "",
) -> Any:
    """Store (or update) the row for a task that failed for good; returns it."""
    from community.core.models import FailedTask

    now = timezone.now()
    fields = {
        "task_name": task_name[:255],
        "args": _as_json(list(args) if isinstance(args, tuple) else args, []),
        "kwargs": _as_json(kwargs, {}),
        "exception_type": f"{type(exception).__module__}.{type(exception).__qualname__}"[:255],
        "exception_message": str(exception)[:MESSAGE_MAX],
        "traceback": traceback[-TRACEBACK_MAX:],
        "retries": max(0, int(retries or 0)),
        "request_id": (request_id or "")[:64],
        "last_failed_at": now,
        "resolved": False,
    }
    row, created = FailedTask.objects.get_or_create(
        task_id=task_id[:255], defaults={**fields, "first_failed_at": now}
    )
    if not created:
        for key, value in fields.items():
            setattr(row, key, value)
        row.failures += 1
        row.save()
    return row


def failed_task_retry(*, failed_task: Any, app: Any = None) -> str:
    """Queue the task again by name with the same arguments; marks the row resolved.

    Returns the new task id. Sent by name, so it works for any task of any app.
    """
    from community.celery import app as site_app

    result = (app or site_app).send_task(
        failed_task.task_name, args=failed_task.args, kwargs=failed_task.kwargs
    )
    failed_task.resolved = True
    failed_task.retried_at = timezone.now()
    failed_task.retried_as = str(result.id)
    failed_task.save(update_fields=["resolved", "retried_at", "retried_as"])
    return str(result.id)


def on_task_failure(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    args: Any = None,
    kwargs: Any = None,
    einfo: Any = None,
    **extra: Any,
) -> None:
    """Celery's `task_failure`: sent once a task raised and has no retries left.

    Never raises: the database may be the very thing that failed, and a failure to record
    must not hide the task's own error (which Celery logs anyway).
    """
    from community.core.logging import NO_ID, carried_request_id, request_id_var

    request = getattr(sender, "request", None)
    trace = str(einfo) if einfo is not None else ""
    if not trace and exception is not None:
        trace = "".join(traceback_module.format_exception(exception))
    carried = carried_request_id(request) or request_id_var.get()
    try:
        failed_task_record(
            task_name=getattr(sender, "name", "") or "?",
            task_id=task_id or "",
            args=args if args is not None else [],
            kwargs=kwargs if kwargs is not None else {},
            exception=exception if exception is not None else Exception("unknown error"),
            traceback=trace,
            retries=getattr(request, "retries", 0) or 0,
            request_id="" if carried == NO_ID else carried,
        )
    except Exception:
        log.exception("could not record the failure of task %s (%s)", getattr(sender, "name", "?"), task_id)
