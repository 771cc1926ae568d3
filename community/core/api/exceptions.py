"""Turn the exceptions that services raise into DRF answers (400/403/404), never a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught that services raise Django's ValidationError for bad input."""
    from community.accounts.lockout import AccountLocked

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, AccountLocked):
        exc = exceptions.Throttled(wait=exc.seconds, detail=str(exc))
    return drf_exception_handler(exc, context)
