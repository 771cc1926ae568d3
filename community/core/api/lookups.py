"""Kept for the API views that import it from here; the helper lives in community/core/lookups.py."""

from community.core.lookups import MAX_LOOKUP_LENGTH, clean_lookup

__all__ = ["MAX_LOOKUP_LENGTH", "clean_lookup"]
