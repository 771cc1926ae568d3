"""Django's Redis cache with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` object for every cache
operation; on a page served from the cache (a session read and a page read) that cost more
than the two round trips themselves. A client is safe to share: each command borrows a
connection from the pool.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
