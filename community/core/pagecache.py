"""Whole-page cache for a signed-in member's pages that change only when a stamp changes.

A page here is cached per member under a key built from one database query: the member's
row annotated with a stamp of everything the page shows (the latest change and the count of
each thing, so an edit, an addition and a deletion all change it). community supplies the
annotations for its own parts; the floor above registers annotations for what its template
tags render (``register_stamp`` in its ``AppConfig.ready()``), so community never imports it.

A page is served from the cache only when:
- the member is signed in and the browser already holds a CSRF cookie (the cached forms
  carry tokens for that cookie's secret, which is part of the key);
- no flash message waits to be shown;
- every stamp is unchanged, and the shared parts are no older than ``shared_seconds``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse

StampFields = Callable[[], Mapping[str, Any]]

PAGE_SECONDS = 600

_registry: dict[str, list[StampFields]] = {}


def register_stamp(page: str, fields: StampFields) -> None:
    """Add annotations (name -> expression on the user table) to ``page``'s stamp."""
    providers = _registry.setdefault(page, [])
    if fields not in providers:
        providers.append(fields)


def latest(queryset, field: str, *, user_field: str = "user_id") -> Subquery:
    """The newest ``field`` among the member's rows of ``queryset``."""
    return Subquery(
        queryset.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(v=Max(field))
        .values("v")[:1]
    )


def count(queryset, *, user_field: str = "user_id") -> Coalesce:
    """How many rows of ``queryset`` the member has."""
    return Coalesce(
        Subquery(
            queryset.filter(**{user_field: OuterRef("pk")})
            .order_by()
            .values(user_field)
            .annotate(v=Count("pk"))
            .values("v")[:1]
        ),
        0,
    )


def _has_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get(CookieStorage.cookie_name):
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


def member_page_key(
    request: HttpRequest, page: str, fields: Mapping[str, Any], *, shared_seconds: int
) -> str | None:
    """The cache key for this member's ``page`` as it stands now, or None when not cacheable.

    ``fields`` are community's own annotations for the page; registered ones are added.
    """
    user = request.user
    secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not secret or _has_messages(request):
        return None
    annotations = dict(fields)
    for provider in _registry.get(page, []):
        annotations.update(provider())
    names = sorted(annotations)
    row = get_user_model().objects.filter(pk=user.pk).annotate(**annotations).values_list(*names).first()
    if row is None:
        return None
    member = (user.username, user.get_full_name(), user.onboarded_at)
    bucket = int(time.time() // shared_seconds)
    raw = f"{page}|{user.pk}|{member}|{secret}|{request.get_full_path()}|{bucket}|{row}"
    return f"page:{page}:{user.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_member_page(
    request: HttpRequest,
    page: str,
    fields: Mapping[str, Any],
    render: Callable[[], HttpResponse],
    *,
    shared_seconds: int,
) -> HttpResponse:
    """Serve ``page`` from the cache when its stamp is unchanged; else render and keep it."""
    key = member_page_key(request, page, fields, shared_seconds=shared_seconds)
    if key is not None:
        body = cache.get(key)
        if body is not None:
            return HttpResponse(body)
    response = render()
    if key is not None and response.status_code == 200 and not response.cookies:
        cache.set(key, response.content, PAGE_SECONDS)
    return response
