"""Checks for a film's synopsis: grounding in the plot text, the spoiler rule, the support check.

No Django, no torch at import. The rules (issue 14):

- Spoiler rule: the last third of a plot text may tell the ending (critic synopses end with
  "In the end ..."; Wikipedia plot sections always do), and the site cannot tell reliably
  when it does, so it treats every plot text alike: the model sees only the first two thirds
  (`split_plot`), and a synopsis fails when it names a name or a number that only the last
  third holds.
- Grounding: every capitalised name must be in the visible plot text, the cast or the title;
  every number (digits or a count word) must be in the visible plot text, the film's own year
  ("is a 1981 ... film") aside; no actor named as if a character.
- Support: each sentence must be supported by the visible plot text, as the generator judges
  it (`recommender.llm.support`, log-odds of yes/no, calibrated by its own helper); a sentence
  it finds unsupported fails the synopsis.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from community.movies.plots import lead_describes_the_film

from . import grounding
from .notes_prompts import SYNOPSIS_MAX_WORDS, SYNOPSIS_MIN_WORDS
from .prompts import Facts, MovieFacts, UserFacts

SPOILER_SHARE = 2 / 3  # the share of a plot text the model may read
MIN_SOURCE_WORDS = 40  # below this, the plot is its own synopsis: none is written
MIN_SENTENCES, MAX_SENTENCES = 2, 3

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d')\]]*\s+(?=[A-Z\u00c0-\u00de\"\u201c(])")
_ABBREVIATION_END = re.compile(r"(?:^|[\s(\"])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Lt|Col|Gen|Capt|Sgt|vs)\.$")
_DIGITS = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:s|st|nd|rd|th)?(?![\w])")
_COUNT_WORDS = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "hundred", "thousand", "million", "dozen",
]  # fmt: skip
_COUNT_WORD = re.compile(r"\b(" + "|".join(_COUNT_WORDS) + r")\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we|our|us)\b")
_META = re.compile(
    r"\b(?:synopsis|spoilers?|plot text|this (?:film|movie) is rated|as an ai|language model|"
    r"<<<|>>>|in conclusion)\b",
    re.IGNORECASE,
)


def plot_describes_the_film(plot: str, *, year: int | None, encyclopedic: bool) -> bool:
    """Is the plot text about this film? An encyclopedia lead must say so (the importer's rule,
    `community.movies.plots`, kept here for plots stored before it); other plot texts (a critic
    corpus's synopsis) are about the film by construction."""
    return not encyclopedic or lead_describes_the_film(plot, year=year)


# A synopsis tells the story; these are about the film instead, and a plot text rarely says
# them ("The film explores themes of violence ... showcasing the unique talents of its actors",
# which the first real run let through).
_ABOUT_THE_FILM = re.compile(
    r"\b(?:explor\w+\s+(?:the\s+)?themes?|themes?\s+of|showcas\w+|performances?|talents?|masterpiece|"
    r"critic\w*|audiences?|viewers?|must-see|cinematograph\w+|the human condition|thrilling|"
    r"action-packed|gripping|captivating|compelling|filled with action)\b",
    re.IGNORECASE,
)


_FILM_YEAR = re.compile(r"\b(?:is|was)\s+an?\s+\d{4}\b|\(\d{4}\)")


@dataclass
class PlotParts:
    """A plot text cut for the spoiler rule: what the model may read, and the rest."""

    shown: str
    hidden: str

    @property
    def usable(self) -> bool:
        return len(self.shown.split()) >= MIN_SOURCE_WORDS


def plot_sentences(plot: str) -> list[str]:
    """The plot's sentences; "Dr. René Belloq" and "John F. Kennedy" stay in one."""
    text = re.sub(r"\s+", " ", plot or "").strip()
    text = re.sub(r"([a-z]{2}[.!?])([A-Z])", r"\1 \2", text)  # "time.The 1956 ..." (glued paragraphs)
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if out and _ABBREVIATION_END.search(out[-1]):
            out[-1] += " " + piece.strip()
        elif piece.strip():
            out.append(piece.strip())
    return out


def split_plot(plot: str) -> PlotParts:
    """Whole sentences up to two thirds of the plot's characters are shown, the rest hidden.

    A sentence that straddles the two-thirds mark is hidden: the cut errs towards hiding.
    A plot of one sentence is all shown (it has no last third to tell an ending in).
    """
    sentences = plot_sentences(plot)
    if len(sentences) <= 1:
        return PlotParts(shown=" ".join(sentences), hidden="")
    limit = SPOILER_SHARE * sum(len(s) + 1 for s in sentences)
    shown: list[str] = []
    used = 0
    for sentence in sentences:
        used += len(sentence) + 1
        if used > limit and shown:
            break
        shown.append(sentence)
    return PlotParts(shown=" ".join(shown), hidden=" ".join(sentences[len(shown) :]))


@dataclass
class SourceFacts(Facts):
    """Facts whose names are the visible plot text's words, the cast and the title.

    Lets `grounding.unknown_names` and `grounding.NameGuard` judge a synopsis with the same
    rules as every generated text, against the whole visible plot text (the prompts' Facts
    show only 350 characters of a plot).
    """

    source: str = ""

    def names(self) -> list[str]:
        return [*super().names(), self.source]

    def quoted_texts(self) -> list[str]:
        return [self.source]


def source_facts(*, title: str, year: int | None, cast: list[str], source: str) -> SourceFacts:
    return SourceFacts(movie=MovieFacts(title=title, year=year, cast=cast), user=UserFacts(), source=source)


_COUNT_VALUES = dict(zip(_COUNT_WORDS[:19], (str(n) for n in range(2, 21)), strict=True)) | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "dozen": "12",
}


def _numbers(text: str) -> set[str]:
    """The numbers a text states, count words as digits ("two" and "2" are one number)."""
    found = {m.group(0).replace(",", "").rstrip("stndrh") for m in _DIGITS.finditer(text)}
    words = (m.group(1).lower() for m in _COUNT_WORD.finditer(text))
    return found | {_COUNT_VALUES.get(w, w) for w in words}


def _words(text: str) -> set[str]:
    return {w.lower().strip("'\u2019") for w in grounding.WORD.findall(text)}


@dataclass
class SynopsisCheck:
    problems: list[str] = field(default_factory=list)
    spoilers: list[str] = field(default_factory=list)  # names or numbers only the hidden part holds

    @property
    def ok(self) -> bool:
        return not self.problems


def synopsis_problems(
    text: str, *, title: str, year: int | None, cast: list[str], parts: PlotParts
) -> SynopsisCheck:
    """What is wrong with a synopsis before the support check (form, names, numbers, spoilers)."""
    check = SynopsisCheck()
    sentences = grounding.sentences(text)
    words = len(grounding.WORD.findall(text))
    if not MIN_SENTENCES <= len(sentences) <= MAX_SENTENCES:
        check.problems.append(f"{len(sentences)} sentences (2 or 3 wanted)")
    if not SYNOPSIS_MIN_WORDS <= words <= SYNOPSIS_MAX_WORDS:
        check.problems.append(f"{words} words ({SYNOPSIS_MIN_WORDS} to {SYNOPSIS_MAX_WORDS} wanted)")
    if _FIRST_PERSON.search(text):
        check.problems.append("speaks in the first person")
    if _META.search(text):
        check.problems.append(f"talks about itself: {_META.search(text).group(0)!r}")  # type: ignore[union-attr]
    shown_lower = parts.shown.lower()
    for about in _ABOUT_THE_FILM.finditer(text):
        if about.group(0).lower() not in shown_lower:
            check.problems.append(f"talks about the film, not its story: {about.group(0)!r}")
    facts = source_facts(title=title, year=year, cast=cast, source=parts.shown)
    hidden_words = _words(parts.hidden)
    for name in grounding.unknown_names(text, facts):
        if _words(name) & hidden_words:
            check.spoilers.append(name)
            check.problems.append(f"names {name!r}, found only in the plot's last third (spoiler rule)")
        else:
            check.problems.append(f"name not in the plot text or the cast: {name!r}")
    for actor in cast:
        if len(actor.split()) > 1 and re.search(rf"(?<!\w){re.escape(actor)}(?!\w)", text):
            # the story's people are its characters ("a soap salesman named Brad Pitt")
            check.problems.append(f"names an actor, not a character: {actor!r}")
    # The film's own year is no year of its story: "In 1981, Indiana Jones ..." (set in 1936)
    # took it from the lead's "is a 1981 American action-adventure film".
    allowed = _numbers(_FILM_YEAR.sub(" ", parts.shown))
    hidden_numbers = _numbers(parts.hidden)
    without_title = re.sub(re.escape(title), " ", text, flags=re.IGNORECASE) if title else text
    for number in sorted(_numbers(without_title) - allowed):
        if number in hidden_numbers:
            check.spoilers.append(number)
            check.problems.append(f"number {number} is only in the plot's last third (spoiler rule)")
        else:
            check.problems.append(f"number not in the plot text: {number}")
    return check


SupportCheck = Callable[[str, list[str]], list[str]]


def _support_module() -> Any:
    # Imported by name: the support check is built beside this module and may not be there yet.
    try:
        return importlib.import_module("recommender.llm.support")
    except ImportError:
        return None


def support_check_available() -> bool:
    """Has the support check (recommender.llm.support) been installed in this code base?"""
    return _support_module() is not None


def support_checker(backend: Any = None) -> SupportCheck | None:
    """`check(source, sentences) -> unsupported sentences`, judged by the generator (`backend`'s
    weights, so the judge and the writer share one loaded model); None if the support module
    is not there. The judge is built on the first call."""
    support = _support_module()
    if support is None:
        return None
    judges: list[Any] = []

    def check(source: str, sentences: list[str]) -> list[str]:
        if not judges:
            judges.append(support.get_support_judge(backend))
        return list(support.unsupported_sentences(source, sentences, judge=judges[0]))

    return check


def support_scorer(backend: Any = None) -> Callable[[str, list[str]], list[float]] | None:
    """`score(source, sentences) -> log-odds of support per sentence` (the benchmark's view)."""
    support = _support_module()
    if support is None:
        return None
    judge = support.get_support_judge(backend)
    return lambda source, sentences: list(support.support_scores(source, sentences, judge=judge))
