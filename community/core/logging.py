"""Log lines that say which request (and which task) they belong to.

A request id is kept in a context variable for the time of a request
(`community.core.middleware.RequestIdMiddleware`) or of a Celery task: the Celery hooks below
copy it into the headers of every task the request queues and restore it in the worker, so
`grep <id>` finds a review's request and the analysis it queued. `RequestIdFilter` puts it
on every log record; `JsonFormatter` writes one JSON object per line (production), the plain
format shows it in brackets (development).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

# The task header that carries the id from the web process into the worker.
TASK_HEADER = "cinecircle_request_id"
NO_ID = "-"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_ID)
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)

# What an id taken from outside may look like: no spaces, quotes or newlines to forge log lines.
_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def valid_request_id(value: str | None) -> bool:
    return bool(value) and bool(_ID_PATTERN.match(value or ""))


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and, inside a task, `task_name` / `task_id`) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        task = task_var.get()
        if task is not None and not hasattr(record, "task_id"):
            record.task_name, record.task_id = task
        return True


# Attributes every LogRecord has; anything else on a record was passed with `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "task_name",
    "task_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, then the rest."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_ID),
        }
        task_id = getattr(record, "task_id", None)
        if task_id:
            entry["task"] = getattr(record, "task_name", "")
            entry["task_id"] = task_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# --- Celery: the id follows the request into the tasks it queues -----------------------


def task_before_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """`before_task_publish`: stamp the current request id on the outgoing task."""
    request_id = request_id_var.get()
    if headers is not None and request_id != NO_ID and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def carried_request_id(task_request: Any) -> str | None:
    """The request id a task message carries (a worker also sets custom headers as attributes)."""
    headers = getattr(task_request, "headers", None) or {}
    value = headers.get(TASK_HEADER) if isinstance(headers, dict) else None
    value = value or getattr(task_request, TASK_HEADER, None)
    return str(value) if valid_request_id(value) else None


_tokens: dict[str, tuple[contextvars.Token, contextvars.Token]] = {}


def task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """`task_prerun`: restore the id the task was queued with (a task run eagerly keeps the
    caller's); a task no request queued (the beat schedule) logs "-" beside its task id."""
    request = getattr(task, "request", None)
    carried = carried_request_id(request)
    if carried:
        request_id = carried
    elif getattr(request, "is_eager", False) and request_id_var.get() != NO_ID:
        request_id = request_id_var.get()
    else:
        request_id = NO_ID
    name = getattr(task, "name", "") or ""
    _tokens[task_id or ""] = (request_id_var.set(request_id), task_var.set((name, task_id or "")))


def task_postrun(task_id: str | None = None, **kwargs: Any) -> None:
    """`task_postrun`: a worker process runs many tasks; the next one must not inherit the id."""
    tokens = _tokens.pop(task_id or "", None)
    if tokens is None:
        return
    request_token, task_token = tokens
    try:
        task_var.reset(task_token)
        request_id_var.reset(request_token)
    except ValueError:  # set in another context (a thread pool): clear instead
        task_var.set(None)
        request_id_var.set(NO_ID)
