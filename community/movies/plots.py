"""Is a plot text about the film? (One rule for the importer and the movie notes.)"""

from __future__ import annotations

import re

_FILM_WORD = re.compile(
    r"\b(?:film|movie|documentary|miniseries|motion picture|directed by)\b", re.IGNORECASE
)
LEAD_CHARS = 500


def lead_describes_the_film(lead: str, *, year: int | None) -> bool:
    """Is an encyclopedia lead about this film, not about its title's namesake?

    Matching by title gave 72 of 511 real films the article on the title's word (Casablanca
    the city, Magnolia the plant, M the letter): a film's own lead names itself a film (or
    "directed by") and gives its year, give or take one, in its first 500 characters.
    """
    head = lead[:LEAD_CHARS]
    if not _FILM_WORD.search(head):
        return False
    return year is None or any(str(year + d) in head for d in (-1, 0, 1))
