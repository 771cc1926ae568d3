"""A review's own film, left out of the text that is compared.

Two reviews of different films should meet on what they say, not on a name: "Jackson" is Peter
Jackson in a review of The Two Towers and Samuel L. Jackson in one of Formula 51, and a review
of Snow Dogs names snow in its title. Before a text is embedded, its film's title becomes "the
film", its directors (full name or surname) "the director", and its cast "the actor".
"""

from __future__ import annotations

import re
from functools import lru_cache

_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _names(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",") if name.strip()]


def _forms(name: str) -> list[str]:
    """The full name and the surname (when it is long enough to be one)."""
    parts = [p for p in name.split() if p.rstrip(".,").lower() not in _SUFFIXES]
    forms = [name]
    if len(parts) > 1 and len(parts[-1]) >= 3:
        forms.append(parts[-1])
    return forms


@lru_cache(maxsize=4096)
def _pattern(title: str, directors: str, cast: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    replacement: dict[str, str] = {}
    for name in _names(cast):
        for form in _forms(name):
            replacement.setdefault(form, "the actor")
    for name in _names(directors):
        for form in _forms(name):
            replacement[form] = "the director"
    short = _PARENTHESES.sub("", title)
    subtitle = short.split(":", 1)[-1].strip()  # "The Two Towers" of "The Lord of the Rings: ..."
    for form in {title, short, subtitle, *(re.sub(r"^The\s+", "", f) for f in (short, subtitle))}:
        if len(form) >= 3:
            replacement[form] = "the film"
    if not replacement:
        return None, {}
    alternatives = sorted(replacement, key=len, reverse=True)  # "Peter Jackson" before "Jackson"
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)")
    return pattern, replacement


def film_masked(text: str, *, title: str, directors: str = "", cast: str = "") -> str:
    """`text` with its film's title and credited people replaced by what they are."""
    pattern, replacement = _pattern(title, directors, cast)
    if pattern is None:
        return text
    return pattern.sub(lambda match: replacement[match.group(0)], text)
