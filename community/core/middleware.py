"""Site-wide middleware: a request id on every log line, and a friendly 503 when the database is down."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from django.core.signals import got_request_exception, request_finished
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from community.core.logging import NO_ID, new_request_id, request_id_var, valid_request_id

log = logging.getLogger(__name__)
# One line per request (method, path, status, ms), with the request id like every other line.
access_log = logging.getLogger("community.request")

REQUEST_ID_HEADER = "X-Request-ID"
RETRY_AFTER_SECONDS = 10
DATABASE_ERRORS = (OperationalError, InterfaceError)
OUTAGE_DETAIL = (
    "The site is briefly unavailable (its database is not answering). Please try again in a moment."
)


def _proxy_headers_trusted(request: HttpRequest) -> bool:
    try:
        from community.core.clientip import forwarded_headers_trusted
    except ImportError:  # before the trusted-proxy module existed: NUM_PROXIES alone decided
        from django.conf import settings

        return int(getattr(settings, "NUM_PROXIES", 0) or 0) > 0
    return forwarded_headers_trusted(request)


class RequestIdMiddleware:
    """Gives each request an id, for its log lines, its tasks and the `X-Request-ID` answer.

    An incoming `X-Request-ID` is kept only when a trusted proxy sets it (TRUSTED_PROXIES /
    NUM_PROXIES) and it looks like an id; otherwise a client could make its requests' log
    lines look like someone else's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER)
        if incoming and valid_request_id(incoming) and _proxy_headers_trusted(request):
            request_id = incoming
        else:
            request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (request_finished), not only until this returns:
        # Django logs a 4xx/5xx answer ("Not Found: /x") after every middleware has run.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="community.core.middleware.forget_request_id")
def _forget_request_id(sender: object, **kwargs: object) -> None:
    # The next request this thread serves sets its own; log lines in between carry none.
    request_id_var.set(NO_ID)


# --- the database is down ----------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 for a page (templates/503.html) or the API (JSON), built without the database.

    The template is rendered without the request, so no context processor reads the session
    or the signed-in user (both live in the database).
    """
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"detail": OUTAGE_DETAIL}, status=503)
    else:
        try:
            body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        except Exception:  # the page must answer even if the template cannot be rendered
            log.exception("could not render 503.html")
            body = f"<!doctype html><title>Unavailable</title><p>{OUTAGE_DETAIL}</p>"
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives a 503 that says so, not a 500 with a trace.

    An error raised by a view comes to `process_exception`. One raised in a middleware further
    in (the session saved after the view, say) has already been turned into a 500 by Django's
    handler when it reaches this layer; `got_request_exception` marks the request, and the
    500 is replaced here. Place it near the top of MIDDLEWARE. Nothing is retried: Django's
    connection health checks (`conn_health_checks`) reconnect at the next request, so the site
    recovers as soon as the database answers again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_error", None) is not None:
            return outage_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            log.warning(
                "database unavailable: %s %s answered 503 (%s: %s)",
                request.method,
                request.path,
                type(exception).__name__,
                str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            )
            return outage_response(request)
        return None


@receiver(got_request_exception, dispatch_uid="community.core.middleware.mark_database_error")
def _mark_database_error(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    # Sent from inside Django's `except` block, so the exception is the one being handled.
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._database_error = error  # type: ignore[attr-defined]
