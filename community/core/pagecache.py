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
from django.db import connection
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse

StampFields = Callable[[], Mapping[str, Any]]

PAGE_SECONDS = 600

_registry: dict[str, list[StampFields]] = {}


def register_stamp(page: str, fields: StampFields) -> None:
    """Add annotations (name -> expression on the user table) to ``page``'s stamp."""
    providers = _registry.setdefault(page, [])
    if fields not in providers:
        providers.append(fields)
        _compiled.pop(page, None)


def activity(queryset, field: str, *, user_field: str = "user_id") -> Subquery:
    """The newest ``field`` and the number of the member's rows of ``queryset``, as one value
    (NULL when there are none): an edit, an addition and a deletion all change it."""
    return Subquery(
        queryset.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(v=Concat(Cast(Max(field), CharField()), Value("#"), Cast(Count("pk"), CharField())))
        .values("v")[:1]
    )


def _has_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get(CookieStorage.cookie_name):
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


# The stamp query of each page, compiled once per process: building fifteen subqueries through
# the ORM costs more than running them. The member's id is the one parameter that changes.
_SENTINEL = -7_131_999_017
_compiled: dict[str, tuple[str, list[Any]]] = {}


def _stamp_sql(page: str, fields: StampFields) -> tuple[str, list[Any]]:
    if page not in _compiled:
        annotations = dict(fields())
        for provider in _registry.get(page, []):
            annotations.update(provider())
        names = sorted(annotations)
        query = get_user_model().objects.filter(pk=_SENTINEL).annotate(**annotations).values_list(*names)
        sql, params = query[:1].query.sql_with_params()
        if list(params).count(_SENTINEL) != 1:  # pragma: no cover - a change in Django's SQL
            raise RuntimeError(f"cannot find the member's id in the stamp query of {page!r}")
        _compiled[page] = (sql, list(params))
    return _compiled[page]


def page_stamp(page: str, fields: StampFields, user_id: int) -> tuple[Any, ...] | None:
    """The stamp row of ``page`` for this member (None for an unknown member); one query."""
    sql, params = _stamp_sql(page, fields)
    args = [user_id if p == _SENTINEL else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def member_page_key(
    request: HttpRequest, page: str, fields: StampFields, *, shared_seconds: int
) -> str | None:
    """The cache key for this member's ``page`` as it stands now, or None when not cacheable.

    ``fields`` gives community's own annotations for the page; registered ones are added.
    """
    user = request.user
    secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not secret or _has_messages(request):
        return None
    row = page_stamp(page, fields, user.pk)
    if row is None:
        return None
    member = (user.username, user.get_full_name(), user.onboarded_at)
    bucket = int(time.time() // shared_seconds)
    raw = f"{page}|{user.pk}|{member}|{secret}|{request.get_full_path()}|{bucket}|{row}"
    return f"page:{page}:{user.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_member_page(
    request: HttpRequest,
    page: str,
    fields: StampFields,
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
