from __future__ import annotations

from django.http import Http404

MAX_LOOKUP_LENGTH = 150


def clean_lookup(value: str) -> str:
    """A URL string used to look a row up; 404 for what no row can match (PostgreSQL rejects NUL)."""
    if "\x00" in value or len(value) > MAX_LOOKUP_LENGTH:
        raise Http404
    return value
