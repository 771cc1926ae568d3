"""The navigation's unread count, on every page a signed-in member sees."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from community.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """``notifications_unread``: counted (one query) only if the page shows it, once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    lazy = getattr(request, "_notifications_unread", None)
    if lazy is None:
        lazy = SimpleLazyObject(lambda: unread_count(user=user))
        request._notifications_unread = lazy  # type: ignore[attr-defined]
    return {"notifications_unread": lazy}
