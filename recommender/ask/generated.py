"""What Ask takes from the generator's reading of a request: only the titles and people the
request itself names, and only where the rules left them empty. One place for the rule.

Measured on the 40 held-out requests (bench_ask --generator, qwen-1.5b, 7 December 2026): its
genres, moods, years and runtimes each made the reading worse than the rules alone (moods
0.900 -> 0.450, genres 0.850 -> 0.675, runtime 0.950 -> 0.925: "dark, moving, scary" for
"silent films", 300 minutes for "three hours is fine"), so it is no longer asked for them;
and it added examples of its own ("a spooky flick from the '80s": like Alien and The Shining,
people Jack Nicholson and Stanley Kubrick), so a name is kept only when the request names it.
Every kept name is then resolved in the catalogue like the rules' own.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from .parsing import is_chinese
from .query import Query, Reference

GENERATED_NAMES = ("like", "people", "avoid_people")
_NAME_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "le",
        "la",
        "les",
        "der",
        "die",
        "das",
        "el",
    ]
)
# a misspelt name still counts ("Alein" for Alien: 0.8)
_SPELLING_RATIO = 0.8


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", folded)


def mentioned(name: str, request: str, *, person: bool = False) -> bool:
    """Whether ``request`` names ``name``: the whole name as words, or else every word of a
    title (not an article, at least 3 letters; "like Alein" finds Alien), or a person's
    surname ("not Spielberg"), each spelt nearly alike. One word of a title is not enough:
    "an upbeat musical" does not name The Sound of Music."""
    words, said = _words(name), _words(request)
    if not words:
        return False
    n = len(words)
    if any(said[i : i + n] == words for i in range(len(said) - n + 1)):
        return True
    own = [w for w in words if len(w) >= 3 and w not in _NAME_STOPWORDS]
    if person:
        own = own[-1:]
    said = [s for s in said if len(s) >= 3]

    def found(word: str) -> bool:
        return any(SequenceMatcher(None, word, s).ratio() >= _SPELLING_RATIO for s in said)

    return bool(own) and all(found(w) for w in own)


def names_mentioned(fields: dict[str, Any] | None, request: str) -> dict[str, list[str]]:
    """The titles and people of the generator's reading that the request names. In a request
    in Chinese the model is asked for English titles, so 《异形》 comes back as "Alien" and cannot
    be matched word for word: there a title is kept only when the request quotes one in 《》
    (the catalogue still resolves it), and a person only when named in Latin letters (on the
    held-out set the model gave "来一部好笑的电影" three titles and three actors of its own)."""
    chinese = is_chinese(request)
    out: dict[str, list[str]] = {}
    for key in GENERATED_NAMES:
        names = [n for n in (fields or {}).get(key) or [] if isinstance(n, str)]
        if chinese and key == "like" and "《" in request:
            kept = names
        else:
            kept = [n for n in names if mentioned(n, request, person=key != "like")]
        if kept:
            out[key] = kept
    return out


def merge_generated(query: Query, fields: dict[str, Any] | None, request: str) -> bool:
    """Fill the titles and people the rules left empty with those of the generator's reading the
    request names; True when anything changed."""
    changed = False
    for key, names in names_mentioned(fields, request).items():
        if not getattr(query, key):
            setattr(query, key, [Reference(text=t) for t in names])
            changed = True
    return changed
