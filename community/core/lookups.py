"""Names and slugs taken from a URL or a query string, before they reach the database."""

from __future__ import annotations

from django.http import Http404
from django.urls.converters import StringConverter

MAX_LOOKUP_LENGTH = 150


def clean_lookup(value: str) -> str:
    """A URL string used to look a row up; 404 for what no row can match (PostgreSQL rejects NUL)."""
    if "\x00" in value or len(value) > MAX_LOOKUP_LENGTH:
        raise Http404
    return value


class NameConverter(StringConverter):
    """``<name:username>``: a path segment that names a row. Like ``str`` but without control
    characters (NUL among them, which PostgreSQL refuses) and at most 150 characters, so such a
    URL matches no route and answers 404 before any view runs. Registered by CoreConfig.ready()."""

    regex = rf"[^/\x00-\x1f\x7f]{{1,{MAX_LOOKUP_LENGTH}}}"
