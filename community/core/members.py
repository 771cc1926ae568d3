"""The signed-in member, typed, for views that already require one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from community.accounts.models import User


def signed_in_member(request: HttpRequest | Request) -> User:
    """`request.user` as the `User` it is behind `login_required` or `IsAuthenticated`.

    Those guards answer an anonymous visitor before the view runs, so the check below never
    fails in practice; it only tells the type checker what the guard already guarantees.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
