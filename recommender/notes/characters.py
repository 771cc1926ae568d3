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

from recommender.insight.mentions import Character, film_characters
from recommender.llm.notes_checks import plot_sentences, split_plot

# Bump when the extraction or the choice of lines changes: stored guides are rebuilt.
EXTRACTOR_VERSION = "characters-1"
MAX_CHARACTERS = 6
LINE_MAX_WORDS = 45

# Sentences that list a cast or credits say nothing about who a character is.
_CREDITS = re.compile(
    r"\b(?:stars|starring|co-stars|played by|portrayed by|voiced by|the cast|cast includes|"
    r"leading roles?|directed by|written by|produced by)\b",
    re.IGNORECASE,
)
_FILM_LEAD = re.compile(r"\b(?:is|was)\s+an?\s+(?:\d{4}\s+)?[^.]*?\b(?:film|movie|documentary)\b")


def _names(character: Character) -> list[str]:
    return [character.name, *character.aliases]


def _mentions(text: str, character: Character) -> int:
    return sum(len(re.findall(rf"(?<![\w'\u2019-]){re.escape(n)}(?![\w-])", text)) for n in _names(character))


def _line(sentences: list[str], character: Character) -> str:
    """The first visible sentence that names the character and is not a credits list."""
    for sentence in sentences:
        if not _mentions(sentence, character) or _CREDITS.search(sentence) or _FILM_LEAD.search(sentence):
            continue
        if len(sentence.split()) <= LINE_MAX_WORDS:
            return sentence
    return ""


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
        line = _line(visible, character)
        if character.actor:  # "Mara Quill (Ann Hale) is ...": the actor has a place of their own
            line = line.replace(f" ({character.actor})", "")
        if not line and not character.actor:
            continue
        candidates.append((character, line))
    ranked = sorted(candidates, key=lambda c: (c[0].actor is None, -_mentions(plot, c[0])))[:MAX_CHARACTERS]
    ranked.sort(key=lambda c: parts.shown.find(c[0].name) % (len(parts.shown) + 1))
    return [{"name": c.name, "actor": c.actor, "line": line} for c, line in ranked]
