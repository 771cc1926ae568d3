"""Rate limits, keyed on the client address that ``community.core.clientip`` trusts.

DRF's own ``get_ident`` believes any ``X-Forwarded-For`` when ``NUM_PROXIES`` is unset, so
every throttle here asks ``client_ip`` instead. The same classes guard the web forms
(``throttle_web``), so a limit is one rule whichever door a request comes through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from community.core.clientip import client_ip

if TYPE_CHECKING:  # rest_framework.views reads the throttle setting, which names this module
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ClientIpMixin:
    def get_ident(self, request: Request | HttpRequest) -> str:
        return client_ip(request)


class AnonThrottle(ClientIpMixin, AnonRateThrottle):
    """Anonymous API reads, per client address (THROTTLE_ANON)."""


class UserThrottle(ClientIpMixin, UserRateThrottle):
    """Signed-in API use, per member (THROTTLE_USER)."""


class LoginRateThrottle(ClientIpMixin, SimpleRateThrottle):
    """Password attempts per client address, whoever the request claims to be (THROTTLE_LOGIN).

    Guards the token endpoint, the web and admin login forms and the password change. The
    per-account lockout (``community.accounts.lockout``) stands behind it for attackers
    that spread over many addresses.
    """

    scope = "login"

    def get_cache_key(self, request: Request | HttpRequest, view: APIView | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupRateThrottle(LoginRateThrottle):
    """New accounts per client address, on the web form and the API alike (THROTTLE_SIGNUP)."""

    scope = "signup"


class PasswordResetRateThrottle(LoginRateThrottle):
    """Mails a visitor may ask for (password reset, a new verification link), per client
    address, whatever address they type (THROTTLE_PASSWORD_RESET)."""

    scope = "password_reset"


def throttle_web(request: HttpRequest, throttle: SimpleRateThrottle) -> int | None:
    """Count this web request against ``throttle``; None if allowed, else seconds to wait."""
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    return max(1, int(throttle.wait() or 1))
