"""Stricter throttles for logging in and for language-model generation requests."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView


class LoginRateThrottle(SimpleRateThrottle):
    """Limits password attempts per client IP, whoever the request claims to be."""

    scope = "login"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class GenerationRateThrottle(UserRateThrottle):
    """Limits how often one user may ask the language model for a new text."""

    scope = "generation"
