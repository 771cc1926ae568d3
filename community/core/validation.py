"""Small input checks shared by community services (text that people type)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def clean_text(value: object, *, field: str, max_length: int, min_length: int = 1) -> str:
    """Return the text stripped of surrounding whitespace, or raise a field ValidationError.

    Rejects missing, whitespace-only and over-long text. NUL characters are removed because
    PostgreSQL cannot store them in text columns. HTML is kept as typed: templates escape it.
    """
    text = str(value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) < max(min_length, 1):
        if not text:
            raise ValidationError({field: "This field cannot be empty."})
        raise ValidationError({field: f"Write at least {min_length} characters."})
    if len(text) > max_length:
        raise ValidationError({field: f"Keep it under {max_length:,} characters (it has {len(text):,})."})
    return text
