"""Checks of the studio console's audience summary: its figures, quotes, reception and aspects
must be those of the facts (AudienceFacts)."""

from __future__ import annotations

import re

from ..lexicon import ASPECTS as ASPECT_LEXICON
from ..prompts import Facts
from ..prompts_audience import BLAME_MIN_PCT, PRAISE_MIN_PCT
from .names import sentences

# Quoted text in a summary: straight or curly double quotation marks (single ones are apostrophes).
_QUOTED = re.compile(r'"([^"\n]*)"|“([^”\n]*)”')
_NUMBER = re.compile(
    r"(?<![\w.,])([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:(%|\s?per\s?cent\b|\s?percent\b)|(s|st|nd|rd|th)\b)?(?![\w%])"
)
_COUNT_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
# "one of the reviewers" and "none" are not figures; the rest are
_NUMBER_WORDS = {w: float(v) for v, w in enumerate(_COUNT_WORDS.split(), start=2)} | {  # noqa: SIM905
    "thirty": 30.0,
    "forty": 40.0,
    "fifty": 50.0,
    "hundred": 100.0,
    "thousand": 1000.0,
    "dozen": 12.0,
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _plain(text: str) -> str:
    """Typographic quotes and apostrophes made straight, runs of spaces made one."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def quoted_passages(text: str) -> list[str]:
    """The passages of `text` inside double quotation marks."""
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(text)]


def is_verbatim(passage: str, sources: list[str]) -> bool:
    """Is `passage` (its end punctuation aside) a run of whole words of one of `sources`?

    Case counts, except for the first letter (a quote may start mid-sentence or open one).
    """
    body = _plain(passage).strip(" .,;:!?…-")
    if not body:
        return False
    pattern = re.compile(
        r"(?<!\w)[" + re.escape(body[0].lower() + body[0].upper()) + "]" + re.escape(body[1:]) + r"(?!\w)"
    )
    return any(pattern.search(_plain(source)) for source in sources)


def unverified_quotes(text: str, facts: Facts) -> list[str]:
    """Quoted passages of a summary that are not verbatim from the facts' quotes."""
    sources = facts.audience.quotes() if facts.audience else []
    problems = [
        f"quote not verbatim from the reviews: {q!r}"
        for q in quoted_passages(text)
        if not is_verbatim(q, sources)
    ]
    if _plain(_QUOTED.sub(" ", text)).count('"'):
        problems.append("an unclosed quotation mark")
    return problems


def _without_quotes_and_title(text: str, facts: Facts) -> str:
    text = _QUOTED.sub(" ", text)
    if facts.movie.title:
        text = re.sub(re.escape(facts.movie.title), " ", text, flags=re.IGNORECASE)
    return text


def stray_numbers(text: str, facts: Facts) -> list[str]:
    """Numbers in a summary (outside quotes and the title) that are none of the facts' figures.

    A figure may be written without its sign ("a net sentiment of 0.42"), a share as "62%"
    or "62 percent", a count in words ("six reviewers"); the film's year and its decade
    ("the 1990s") are facts too. Rounding is not allowed: the prompt gives every figure
    already rounded, so "4" for an average of 3.9 is a different number.
    """
    figures = facts.audience.figures() if facts.audience else []
    year = facts.movie.year
    problems = []
    rest = _without_quotes_and_title(text, facts)
    for match in _NUMBER.finditer(rest):
        sign, digits, decimals, _percent, suffix = match.groups()
        value = float(digits.replace(",", "") + (decimals or ""))
        if year and (value == year or (suffix == "s" and value == year // 10 * 10)):
            continue
        signed = -value if sign in ("-", "−") else value
        if sign:
            ok = any(abs(signed - f) < 0.005 for f in figures)
        else:
            ok = any(abs(value - abs(f)) < 0.005 for f in figures)
        if not ok:
            problems.append(f"number not in the facts: {match.group(0).strip()}")
    for match in _NUMBER_WORD.finditer(rest):
        value = _NUMBER_WORDS[match.group(1).lower()]
        if not any(abs(value - f) < 0.005 for f in figures):
            problems.append(f"number not in the facts: {match.group(1)}")
    return problems


# How a summary characterises the reception as a whole, checked against the net sentiment.
_WELL_RECEIVED = re.compile(
    r"\b(?:well[- ]received|(?:critically |widely |universally )?acclaimed|rave reviews|glowing reviews"
    r"|(?:largely |mostly |overwhelmingly |generally )?positive (?:reviews|reception|response)"
    r"|critical success|warmly received|widely praised|universally praised)\b",
    re.IGNORECASE,
)
_BADLY_RECEIVED = re.compile(
    r"\b(?:poorly received|badly received|panned|critical failure|flop"
    r"|(?:largely |mostly |overwhelmingly |generally )?negative (?:reviews|reception|response))\b",
    re.IGNORECASE,
)
_MIXED = re.compile(
    r"\b(?:mixed (?:reviews|reception|response)|divided|polari[sz]ed|lukewarm)\b", re.IGNORECASE
)
_NOT_BEFORE = re.compile(r"(?:\b(?:not|never|hardly)|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)
# a quote given an author: the console's quotes are unattributed, and the facts name no author
_ATTRIBUTED = re.compile(
    r"[\"”]\s*,?\s*(?:by|from|says|said|writes|wrote|according to|notes|noted)\s+(?:critic\s+)?[A-Z]"
)


def _said(pattern: re.Pattern[str], text: str) -> str:
    """The first phrase of `pattern` in `text` that is not negated ("not well received")."""
    for match in pattern.finditer(text):
        if not _NOT_BEFORE.search(text[: match.start()]):
            return match.group(0)
    return ""


def _negated(pattern: re.Pattern[str], text: str) -> str:
    for match in pattern.finditer(text):
        if _NOT_BEFORE.search(text[: match.start()]):
            return "not " + match.group(0)
    return ""


def reception_misstatements(text: str, facts: Facts) -> list[str]:
    """A summary's word for the overall reception that its net sentiment contradicts, and quotes
    given an author."""
    net = facts.audience.net_sentiment if facts.audience else None
    problems = []
    if _ATTRIBUTED.search(text):
        problems.append("attributes a quote to someone")
    if net is None:
        return problems
    own = _QUOTED.sub(" ", text)
    good, bad, mixed = _said(_WELL_RECEIVED, own), _said(_BADLY_RECEIVED, own), _said(_MIXED, own)
    # "not well received" says the opposite
    good, bad = good or _negated(_BADLY_RECEIVED, own), bad or _negated(_WELL_RECEIVED, own)
    if good and net <= -0.3:
        problems.append(f"says {good!r} but the net sentiment is {net:+.2f}")
    if bad and net >= 0.3:
        problems.append(f"says {bad!r} but the net sentiment is {net:+.2f}")
    if mixed and abs(net) >= 0.5:
        problems.append(f"says {mixed!r} but the net sentiment is {net:+.2f}")
    return problems


# What a summary says about an aspect, in the model's own words, checked against that aspect's
# figures. The words that name an aspect are the sentiment model's lexicon without those that
# often mean something else in a summary ("score" of a rating, "comedy" the genre, "written by").
NOT_ASPECT_WORDS = frozenset(
    [
        "score",
        "sound",
        "written",
        "writer",
        "played",
        "plays",
        "role",
        "roles",
        "starring",
        "comedy",
        "comic",
        "musical",
        "beautiful",
        "length",
    ]
)
_ASPECT_WORD = {
    aspect: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words if w not in NOT_ASPECT_WORDS) + r")\b")
    for aspect, words in ASPECT_LEXICON.items()
}
_ASPECT_BLAME = re.compile(
    r"\b(?:lack\w*|criticis\w*|criticiz\w*|weak\w*|poor\w*|slow\w*|dull|flat|disappoint\w*|drag\w*"
    r"|fail\w*|flaw\w*|problem\w*|uneven|thin|tedious|boring|clumsy|complain\w*|fell short|falls short"
    r"|underdeveloped|shallow|predictable|forgettable|mediocre|bad|worst|faults?|negative)\b",
    re.IGNORECASE,
)
_ASPECT_PRAISE = re.compile(
    r"\b(?:prais\w*|strong\w*|excellent|great|impressive|impressed|outstanding|superb|brilliant"
    r"|highlights?|laud\w*|admir\w*|enjoy\w*|loved|standout|stand-out|best|compelling|remarkable"
    r"|engaging|memorable|positive|applaud\w*|commend\w*|well[- ]crafted|well[- ]executed)\b",
    re.IGNORECASE,
)
# a sentence's clauses: praise and blame in "praised for X but criticised for Y" belong apart
_ASPECT_CLAUSE_BREAK = re.compile(
    r"\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bhowever\b|;", re.I
)


def aspect_misstatements(text: str, facts: Facts) -> list[str]:
    """Aspects a summary speaks of that fewer than 5 reviewers wrote about, or that it praises or
    blames against their figures ("criticised for its pacing" when 90% of pacing mentions are
    positive). Quoted passages are the reviewers' words and are checked as quotes instead."""
    if not facts.audience:
        return []
    known = {a.aspect: a for a in facts.audience.aspects}
    problems: list[str] = []
    own = _QUOTED.sub(" ", text)
    clauses = [c for sentence in sentences(own) for c in _ASPECT_CLAUSE_BREAK.split(sentence)]
    for clause in clauses:
        low = clause.lower()
        for aspect, pattern in _ASPECT_WORD.items():
            if not pattern.search(low):
                continue
            fact = known.get(aspect)
            if fact is None:
                problems.append(f"speaks of {aspect}, which fewer than 5 reviewers wrote about")
                continue
            blame = _said(_ASPECT_BLAME, low)
            praise = _said(_ASPECT_PRAISE, low)
            if blame and not praise and fact.negative_pct < BLAME_MIN_PCT:
                problems.append(
                    f"blames the {aspect} ({blame!r}) but {fact.negative_pct}% of its mentions are negative"
                )
            if praise and not blame and fact.positive_pct < PRAISE_MIN_PCT:
                problems.append(
                    f"praises the {aspect} ({praise!r}) but {fact.positive_pct}% of its mentions are positive"
                )
    return list(dict.fromkeys(problems))
