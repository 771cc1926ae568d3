"""The address a request came from, trusting forwarded headers only from configured proxies.

A client can put anything in ``X-Forwarded-For``. Rate limits keyed on it would let anyone
pick a fresh address per request, so the header is read only when the site says a proxy
sets it:

- ``TRUSTED_PROXIES`` (addresses or networks, comma-separated): the request's ``REMOTE_ADDR``
  must be one of them; the header is then read from the right, skipping trusted proxies,
  and the first address that is not one is the client.
- ``NUM_PROXIES`` (an integer): that many proxies always stand in front of the site; the
  client is the address that many entries from the right of the header.
- Neither (the default): the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The client's address as this site's proxy configuration allows us to know it."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    forwarded = [
        part.strip() for part in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()
    ]
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if networks:
        if not _trusted(remote, networks):
            return remote
        for address in reversed(forwarded):
            if not _trusted(address, networks):
                return address if _valid(address) else remote
        return forwarded[0] if forwarded and _valid(forwarded[0]) else remote
    num_proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if num_proxies > 0 and forwarded:
        address = forwarded[-min(num_proxies, len(forwarded))]
        return address if _valid(address) else remote
    return remote


def forwarded_headers_trusted(request: HttpRequest) -> bool:
    """Whether headers added by a proxy (X-Request-ID, X-Forwarded-*) may be believed for this request."""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if networks:
        return _trusted((request.META.get("REMOTE_ADDR") or "").strip(), networks)
    return int(getattr(settings, "NUM_PROXIES", 0) or 0) > 0
