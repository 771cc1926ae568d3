"""Django's Redis cache with one Redis client per connection pool instead of one per call,
which treats an unreachable Redis as an empty cache instead of failing the request.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` object for every cache
operation; on a page served from the cache (a session read and a page read) that cost more
than the two round trips themselves. A client is safe to share: each command borrows a
connection from the pool.

Everything kept in this cache can be rebuilt (sessions are written through to the database,
pages and copies of rows are re-read, throttle windows start again; lockouts live in the
database), so while Redis restarts a read is a miss and a write is skipped: members keep
posting, signing in and reading, more slowly. The outage is logged (once per 10 s per
process) and `/healthz` reports the cache as down. What a skipped delete leaves behind (a
session copy after a logout) matters only if Redis kept its data through the outage; ours
keeps nothing on disk.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any, cast

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 10.0
_last_logged = [0.0]


def _unreachable(operation: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged[0] >= LOG_EVERY_SECONDS:
        _last_logged[0] = now
        log.error("cache unreachable (%s: %s); serving without it", operation, exc)


def _soft(missing: Any):
    """Run the cache operation; if Redis cannot be reached, answer `missing` (a miss)."""

    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _unreachable(method.__name__, exc)
                return missing() if callable(missing) else missing

        return inner

    return wrap


class _ReusedClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        base = cast(Any, self)  # Django's private helpers, which its type stubs leave out
        pool = base._get_connection_pool(write)
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = base._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    # add answers False ("someone else holds it"): callers then read, miss and make their own.
    add = _soft(False)(RedisCache.add)
    set = _soft(None)(RedisCache.set)
    touch = _soft(False)(RedisCache.touch)
    delete = _soft(False)(RedisCache.delete)
    get_many = _soft(dict)(RedisCache.get_many)
    has_key = _soft(False)(RedisCache.has_key)
    set_many = _soft(list)(RedisCache.set_many)
    delete_many = _soft(None)(RedisCache.delete_many)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            _unreachable("get", exc)
            return default

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            _unreachable("incr", exc)
            raise ValueError(f"Key {key!r} not found (cache unreachable)") from exc
