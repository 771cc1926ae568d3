"""The character guide of one film: its main characters, their actors and a line on each.

Plain data in, plain data out (no Django). The characters are the studio console's
(`recommender.insight.mentions.film_characters`), so the console and the movie page agree.
Each line is a sentence taken whole from the plot text, so it is grounded by construction;
the spoiler rule of the synopsis applies: lines come from the plot's first two thirds only,
and a character the plot first names in its last third is left out.
"""

from __future__ import annotations

import re
from typing import Any

from recommender.insight.mentions import Character, film_characters, parse_cast
from recommender.llm.notes_checks import plot_sentences, split_plot

# Bump when the extraction or the choice of lines changes: stored guides are rebuilt.
EXTRACTOR_VERSION = "characters-4"
MAX_CHARACTERS = 6
LINE_MAX_WORDS = 45

# Sentences that list a cast or credits say nothing about who a character is.
_CREDITS = re.compile(
    r"\b(?:stars|starring|co-stars|played by|portrayed by|voiced by|the cast|cast includes|"
    r"leading roles?|directed by|written by|produced by)\b",
    re.IGNORECASE,
)
_FILM_LEAD = re.compile(r"\b(?:is|was)\s+an?\s+(?:\d{4}\s+)?[^.]*?\b(?:film|movie|documentary)\b")
# ...nor sentences about how the film was made or received ("The Terminator topped the box
# office", "Coppola had wanted to make both a sequel and a prequel").
_PRODUCTION = re.compile(
    r"\b(?:box office|grossed|gross|budget|Academy Awards?|Oscars?|nominat\w+|premiered?|released|"
    r"critics|reviews|acclaim\w*|sequel|prequel|remake|filming|filmed|production|screenplay|"
    r"casting|adaptation|adapted|novel|National Film Registry)\b",
    re.IGNORECASE,
)
# "Tyler Durden (Pitt)", "(Brando)": the actor of a character, in brackets after the name.
_ACTOR_IN_BRACKETS = re.compile(r"\s*\((?:[A-Z][\w'\u2019.\-]*\s?){1,3}\)")


def _names(character: Character) -> list[str]:
    return [character.name, *character.aliases]


def _mentions(text: str, character: Character) -> int:
    return sum(len(re.findall(rf"(?<![\w'\u2019-]){re.escape(n)}(?![\w-])", text)) for n in _names(character))


def _lines(sentences: list[str], character: Character) -> list[str]:
    """The visible sentences that name the character and say something about the story, with
    bracketed actors' names taken out (the guide shows actors in a place of their own)."""
    out = []
    for sentence in sentences:
        if not _mentions(sentence, character):
            continue
        if _CREDITS.search(sentence) or _FILM_LEAD.search(sentence) or _PRODUCTION.search(sentence):
            continue
        line = _ACTOR_IN_BRACKETS.sub("", sentence)
        if len(line.split()) <= LINE_MAX_WORDS:
            out.append(line)
    return out


def _full_name(actor: str | None, cast: list[str]) -> str | None:
    """ "Bonham Carter" (the plot's "Marla Singer (Bonham Carter)") is Helena Bonham Carter of the cast."""
    if not actor or actor in cast:
        return actor
    full = [name for name in cast if name.endswith(" " + actor)]
    return full[0] if len(full) == 1 else actor


def character_guide(*, title: str, plot: str, cast_names: str) -> list[dict[str, Any]]:
    """Up to six main characters, in the order the plot introduces them.

    Each is {"name", "actor" (or None when neither the plot nor the cast pairs one), "line"
    (a sentence of the plot's visible part, or "")}. Main: paired with an actor first, then
    the most named; a character with neither actor nor line is not worth a row and is left out.
    """
    if not plot.strip():
        return []
    parts = split_plot(plot)
    visible = plot_sentences(parts.shown)
    candidates = []
    for character in film_characters(plot=plot, cast_names=cast_names, film_title=title):
        if not _mentions(parts.shown, character):
            continue  # first named in the last third: possibly the ending
        lines = _lines(visible, character)
        if lines or character.actor:
            candidates.append((character, lines))
    ranked = sorted(candidates, key=lambda c: (c[0].actor is None, -_mentions(plot, c[0])))[:MAX_CHARACTERS]
    ranked.sort(key=lambda c: parts.shown.find(c[0].name) % (len(parts.shown) + 1))
    cast = parse_cast(cast_names)
    guide: list[dict[str, Any]] = []
    for character, lines in ranked:
        # a sentence naming two characters serves the first; the second takes its next one
        used = {item["line"] for item in guide}
        # ...and none at all when the first took the only one: the same line twice says nothing
        line = next((x for x in lines if x not in used), "")
        guide.append({"name": character.name, "actor": _full_name(character.actor, cast), "line": line})
    return guide
