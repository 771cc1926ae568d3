"""Production company names as the Wikidata film table writes them, made into one name per studio.

The table's `Production` field lists one or more companies separated by commas
("Warner Bros. Entertainment, Warner Bros. Pictures"). A slash is part of many real names
("The Kennedy/Marshall Company", "Emmett/Furla Films"), so only a slash with spaces around it
separates two companies.
"""

from __future__ import annotations

import re
import unicodedata

# Known spellings of one company -> the name the site shows. Keys are compared through
# `name_key`, so case, spacing, a trailing dot and a company suffix do not matter here.
VARIANTS: dict[str, str] = {
    "Warner Bros": "Warner Bros.",
    "Warner Brothers": "Warner Bros.",
    "Warner Bros. Pictures": "Warner Bros.",
    "Warner Bros. Entertainment": "Warner Bros.",
    "Warner Brothers Pictures": "Warner Bros.",
    "20th Century Fox": "20th Century Studios",
    "20th Century-Fox": "20th Century Studios",
    "Twentieth Century Fox": "20th Century Studios",
    "Twentieth Century-Fox": "20th Century Studios",
    "20th Century Fox Film Corporation": "20th Century Studios",
    "Twentieth Century Fox Film Corporation": "20th Century Studios",
    "Twentieth Century-Fox Film Corporation": "20th Century Studios",
    "20th Century-Fox Film Corporation": "20th Century Studios",
    "Fox Searchlight Pictures": "Searchlight Pictures",
    "Fox Searchlight": "Searchlight Pictures",
    "MGM": "Metro-Goldwyn-Mayer",
    "Metro Goldwyn Mayer": "Metro-Goldwyn-Mayer",
    "Paramount": "Paramount Pictures",
    "Paramount Pictures Corporation": "Paramount Pictures",
    "Universal": "Universal Pictures",
    "Columbia Pictures Corporation": "Columbia Pictures",
    "Columbia Pictures Industries": "Columbia Pictures",
    "Tri-Star Pictures": "TriStar Pictures",
    "Lions Gate Films": "Lionsgate Films",
    "Lionsgate": "Lionsgate Films",
    "DreamWorks Pictures": "DreamWorks",
    "DreamWorks SKG": "DreamWorks",
    "Miramax Films": "Miramax",
    "Film4": "Film4 Productions",
    "Allied Film Makers": "Allied Filmmakers",
}

# Legal-form suffixes dropped from a name ("Syncopy Inc." -> "Syncopy"); on their own (a comma
# inside "Foo, Inc." splits them off) they are no company at all.
_SUFFIX = re.compile(r"(?:,?\s+|^)(?:inc|llc|ltd|l\.l\.c|limited)\.?$", re.IGNORECASE)
_SEPARATORS = re.compile(r",|;|\s/\s")
_TRAILING = re.compile(r"[\s,;:/&\-]+$")


def clean_name(raw: str) -> str:
    """One company's name with spacing tidied, suffixes like "Inc." and trailing punctuation gone."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    previous = None
    while name != previous:
        previous = name
        name = _TRAILING.sub("", _SUFFIX.sub("", name)).strip()
    return name


def name_key(name: str) -> str:
    """What two spellings of one company share: case-folded, single-spaced, no trailing dot."""
    return " ".join(clean_name(name).casefold().split()).rstrip(".").strip()


_CANONICAL = {name_key(variant): canonical for variant, canonical in VARIANTS.items()}


def canonical_name(raw: str) -> str:
    """The studio's name for one spelling: a known variant's canonical name, else the cleaned name."""
    name = clean_name(raw)
    return _CANONICAL.get(name_key(name), name)


def split_production(value: str | None) -> list[str]:
    """The distinct canonical company names of one `Production` field, in the order given."""
    names: list[str] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(value or ""):
        name = canonical_name(part)
        key = name_key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        names.append(name[:200])
    return names
