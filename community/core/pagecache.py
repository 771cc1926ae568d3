"""Whole-page cache for a signed-in member's pages that change only when a stamp changes.

A page here is cached per member and checked against a stamp of everything it shows: the
member's row annotated with the latest change and the count of each thing (so an edit, an
addition and a deletion all change it). community supplies the annotations for its own
parts; the floor above registers annotations for what its template tags render
(``register_stamp`` in its ``AppConfig.ready()``), so community never imports it.

Where the stamp comes from:
- with a cache shared by every process (``CACHE_IS_SHARED``, set with a Redis
  ``CACHE_URL``), a version token per member kept in the cache, replaced after the commit
  of any change to a table the stamp reads (``member_pages_changed``). Every table named
  by ``activity(...)`` is watched through Django's model signals when the stamp is
  registered; a table written in bulk (no signals) is left out with ``watch=False`` and its
  writer calls ``member_pages_changed`` itself. No database query is made: the version
  comes from the cache, and the page too unless this process already holds it;
- otherwise, one database query for the stamp row (a version in a per-process cache
  would not see a change made by another process).

A page is served from the cache only when:
- the member is signed in and the browser already holds a CSRF cookie (the cached forms
  carry tokens for that cookie's secret, which is part of the key);
- no flash message waits to be shown;
- every stamp is unchanged, and the shared parts are no older than ``shared_seconds``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

StampFields = Callable[[], Mapping[str, Any]]

PAGE_SECONDS = 600
# A version outlives every page cached under it; a lost one only costs a render.
VERSION_SECONDS = 24 * 3600

_registry: dict[str, list[StampFields]] = {}


def register_stamp(page: str, fields: StampFields) -> None:
    """Add annotations (name -> expression on the user table) to ``page``'s stamp, and watch
    the tables they read (call it from ``AppConfig.ready()``, so every process watches them)."""
    providers = _registry.setdefault(page, [])
    if fields not in providers:
        providers.append(fields)
        _compiled.pop(page, None)
    for expression in fields().values():
        watched = getattr(expression, "pagecache_watch", None)
        if watched is not None:
            watch(*watched)


class _Activity(Subquery):
    """A stamp subquery that remembers the table and member column it reads."""

    pagecache_watch: tuple[type[models.Model], str] | None = None


def activity(queryset, field: str, *, user_field: str = "user_id", watch: bool = True) -> Subquery:
    """The newest ``field`` and the number of the member's rows of ``queryset``, as one value
    (NULL when there are none): an edit, an addition and a deletion all change it.

    ``watch=False``: the table is written in bulk, and its writers call
    ``member_pages_changed`` themselves."""
    subquery = _Activity(
        queryset.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(v=Concat(Cast(Max(field), CharField()), Value("#"), Cast(Count("pk"), CharField())))
        .values("v")[:1]
    )
    if watch:
        subquery.pagecache_watch = (queryset.model, user_field)
    return subquery


def versions_in_cache() -> bool:
    """Whether member pages are checked against a version in the (shared) cache."""
    return bool(getattr(settings, "CACHE_IS_SHARED", False))


def _version_key(user_id: int) -> str:
    return f"pagever:{user_id}"


def member_pages_changed(user_id: int | None) -> None:
    """Every cached page of this member is stale from the commit of the current transaction on
    (at once outside one). Without versions in the cache it does nothing: the stamp query sees
    the change."""
    if user_id is None or not versions_in_cache():
        return

    def bump() -> None:
        cache.set(_version_key(user_id), uuid.uuid4().hex, VERSION_SECONDS)

    # robust: the change is committed whatever happens here; a failed bump is logged (the page
    # then stays stale for at most PAGE_SECONDS)
    transaction.on_commit(bump, robust=True)


def members_pages_changed(user_ids: Iterable[int]) -> None:
    for user_id in set(user_ids):
        member_pages_changed(user_id)


_watched: set[tuple[type[models.Model], str]] = set()


def watch(model: type[models.Model], user_field: str = "user_id") -> None:
    """Call ``member_pages_changed`` for the member of every row of ``model`` saved or deleted
    (rows added to or removed from a many-to-many table: for each member concerned)."""
    if (model, user_field) in _watched:
        return
    _watched.add((model, user_field))
    uid = f"pagecache:{model._meta.label}:{user_field}"
    if model._meta.auto_created:  # a many-to-many table: no save() or delete() of its rows
        member_model = cast(
            type[models.Model], model._meta.get_field(user_field.removesuffix("_id")).related_model
        )
        other_side = next(
            f.attname
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is not member_model
        )

        def m2m(sender, instance, action, pk_set, **kwargs) -> None:
            if isinstance(instance, member_model):  # member.things.add(...), .remove(), .clear()
                if action in ("post_add", "post_remove", "post_clear"):
                    member_pages_changed(instance.pk)
            elif action in ("post_add", "post_remove"):  # thing.members.add(...), .remove()
                members_pages_changed(pk_set or ())
            elif action == "pre_clear":  # thing.members.clear(): who they are is known only before
                rows = sender.objects.filter(**{other_side: instance.pk})
                members_pages_changed(rows.values_list(user_field, flat=True))

        m2m_changed.connect(m2m, sender=model, weak=False, dispatch_uid=uid)
        return

    def changed(sender, instance, **kwargs) -> None:
        member_pages_changed(getattr(instance, user_field, None))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


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
    """The cache key for this member's ``page`` as it stands now, or None when not cacheable
    (the stamp query's way; see ``member_page_slot`` for versions in the cache).

    ``fields`` gives community's own annotations for the page; registered ones are added.
    """
    slot = member_page_slot(request, page, shared_seconds=shared_seconds)
    user_id = request.user.pk
    if slot is None or user_id is None:
        return None
    row = page_stamp(page, fields, user_id)
    if row is None:
        return None
    return f"{slot}:{hashlib.sha256(str(row).encode()).hexdigest()}"


def member_page_slot(request: HttpRequest, page: str, *, shared_seconds: int) -> str | None:
    """The cache key of this member's ``page`` for this browser (CSRF secret), address and
    period of the shared parts, before any stamp; None when the page is not cacheable."""
    user = request.user
    secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not secret or _has_messages(request):
        return None
    member = (user.username, user.get_full_name(), user.onboarded_at)
    bucket = int(time.time() // shared_seconds)
    raw = f"{page}|{user.pk}|{member}|{secret}|{request.get_full_path()}|{bucket}"
    return f"page:{page}:{user.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


# Pages this process already fetched, by (slot, version). A page never changes under its
# version, so on a repeat visit only the version (a few bytes) comes from the shared cache,
# not the page (60 KB for a homepage). The slot names the shared parts' period, so an entry
# is not used for longer than ``shared_seconds`` either.
LOCAL_PAGES = 256
_local_pages: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_local_lock = threading.Lock()


def _local_page(slot: str, version: str) -> bytes | None:
    with _local_lock:
        body = _local_pages.get((slot, version))
        if body is not None:
            _local_pages.move_to_end((slot, version))
        return body


def _keep_local_page(slot: str, version: str, body: bytes) -> None:
    with _local_lock:
        _local_pages[(slot, version)] = body
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _member_version(user_id: int, known: Any) -> str:
    """The member's current version token, making one if the cache has none (evicted, new)."""
    if known is not None:
        return str(known)
    fresh = uuid.uuid4().hex
    if cache.add(_version_key(user_id), fresh, VERSION_SECONDS):
        return fresh
    return str(cache.get(_version_key(user_id)) or fresh)  # another request made one just now


def keep_out(request: HttpRequest) -> None:
    """Do not keep the page this request renders: it shows something that changes with time
    rather than with its stamp (how long a training has been running, say)."""
    request._pagecache_keep_out = True  # type: ignore[attr-defined]


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(request, "_pagecache_keep_out", False)
    )


def cached_member_page(
    request: HttpRequest,
    page: str,
    fields: StampFields,
    render: Callable[[], HttpResponse],
    *,
    shared_seconds: int,
) -> HttpResponse:
    """Serve ``page`` from the cache when its stamp is unchanged; else render and keep it."""
    if versions_in_cache():
        slot = member_page_slot(request, page, shared_seconds=shared_seconds)
        user_id = request.user.pk
        if slot is None or user_id is None:
            return render()
        # The version is read before the page renders, and replaced only after a change
        # commits: a page rendered from older data is never stored under a newer version.
        version = _member_version(user_id, cache.get(_version_key(user_id)))
        body = _local_page(slot, version)
        if body is None:
            kept = cache.get(slot)
            if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version:
                body = kept[1]
                _keep_local_page(slot, version, body)
        if body is not None:
            return HttpResponse(body)
        response = render()
        if _keepable(request, response):
            cache.set(slot, (version, response.content), PAGE_SECONDS)
            _keep_local_page(slot, version, response.content)
        return response
    key = member_page_key(request, page, fields, shared_seconds=shared_seconds)
    if key is not None:
        body = cache.get(key)
        if body is not None:
            return HttpResponse(body)
    response = render()
    if key is not None and _keepable(request, response):
        cache.set(key, response.content, PAGE_SECONDS)
    return response
