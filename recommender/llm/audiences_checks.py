"""Checks of "What audiences say": the studio summary's checks, plus what a reader's guide adds.

`audiences_problems` runs the grounding of the studio's audience summary
(`grounding.check_output("audience_summary", ...)`: length, names, every number a figure of
the facts, quotes verbatim, the overall reception and each aspect's praise or blame as
their counts say, echoes of the prompt, instructions obeyed from a review), then:

- two to four sentences, none in the first person, none speaking to a studio;
- at least one count cited;
- quantifiers held to the counts: "most reviews praise the acting" needs more than half of
  the reviews counted to praise it ("most of those who mention it" more than half of those),
  "nearly all" nine in ten, "many" a quarter (the prompt gives the word for each count).

No Django, no torch.
"""

from __future__ import annotations

import re

from . import grounding
from .audiences_prompts import MAX_SENTENCES, MIN_SENTENCES, ReaderAspect, ReaderFacts
from .grounding.audience import NOT_ASPECT_WORDS
from .lexicon import ASPECTS as ASPECT_LEXICON
from .prompts import Facts

# The lexicon without the words that often mean something else in a summary (as the studio
# summary's checks read it), matched whatever the case.
ASPECT_WORD = {
    aspect: re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in words if w not in NOT_ASPECT_WORDS) + r")\b", re.I
    )
    for aspect, words in ASPECT_LEXICON.items()
}
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd)\b|\b(?i:me|my|we|we're|our|us)\b")
_STUDIO = re.compile(r"\bstudios?\b", re.I)
_CLAUSE_BREAK = re.compile(
    r"\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bhowever\b|;|,\s*and\b", re.I
)
_QUANTIFIER = re.compile(
    r"\b(nearly all|almost all|virtually all|all|every|most|the majority|a majority|many)\b"
    r"(?:\s+of)?(?:\s+(?:the|its|these|those|them))?(?:\s+\d+)?\s*"
    r"(?:reviews?|reviewers|critics|members|viewers|people|audiences|them|those|writers)\b",
    re.I,
)
_OF_MENTIONS = re.compile(
    r"\b(?:who|that|which)\s+(?:mention|discuss|write about|comment on|talk about)|\bof those\b", re.I
)
_PRAISE = re.compile(
    r"\b(?:prais\w*|admir\w*|lov\w*|enjoy\w*|positive|applaud\w*|laud\w*|celebrat\w*|lik(?:e|ed)"
    r"|impress\w*|commend\w*|highlight\w*|appreciat\w*)\b",
    re.I,
)
_BLAME = re.compile(
    r"\b(?:criticis\w*|criticiz\w*|fault\w*|complain\w*|negative|dislik\w*|pan\w*|weak\w*|slow"
    r"|dull|boring|disappoint\w*|problem\w*|flaw\w*|fault)\b",
    re.I,
)
_NEEDS = {  # quantifier -> (share of the count it needs, strict "more than")
    "nearly all": (0.9, False),
    "almost all": (0.9, False),
    "virtually all": (0.9, False),
    "all": (1.0, False),
    "every": (1.0, False),
    "most": (0.5, True),
    "the majority": (0.5, True),
    "a majority": (0.5, True),
    "many": (0.25, False),
}


def aspects_named(sentence: str, facts: Facts) -> list[str]:
    """The aspects of the facts a sentence speaks of, outside quotes, in the facts' order."""
    own = _QUOTED.sub(" ", sentence)
    known = [a.aspect for a in facts.audience.aspects] if facts.audience else []
    return [a for a in known if a in ASPECT_WORD and ASPECT_WORD[a].search(own)]


def _enough(count: int, total: int, quantifier: str) -> bool:
    share, strict = _NEEDS[quantifier]
    if not total:
        return False
    return count > share * total if strict else count >= share * total


def quantifier_misstatements(text: str, facts: Facts) -> list[str]:
    """Quantifiers ("most", "nearly all", "many") that the counts do not bear out."""
    audience = facts.audience
    if not isinstance(audience, ReaderFacts):
        return []
    by_aspect = {a.aspect: a for a in audience.aspects if isinstance(a, ReaderAspect)}
    problems: list[str] = []
    own = _QUOTED.sub(" ", text)
    clauses = [c for s in grounding.sentences(own) for c in _CLAUSE_BREAK.split(s)]
    for clause in clauses:
        praise, blame = bool(_PRAISE.search(clause)), bool(_BLAME.search(clause))
        if praise == blame:  # neither, or both: no single count to hold it to
            continue
        aspects = [a for a in by_aspect if ASPECT_WORD[a].search(clause)]
        for match in _QUANTIFIER.finditer(clause):
            quantifier = match.group(1).lower()
            verdict = "praise" if praise else "criticise"
            if aspects:
                for aspect in aspects:
                    item = by_aspect[aspect]
                    count = item.praising if praise else item.criticising
                    ok = _enough(count, audience.analysed, quantifier) or (
                        bool(_OF_MENTIONS.search(clause)) and _enough(count, item.reviewers, quantifier)
                    )
                    if not ok:
                        problems.append(
                            f"says {quantifier!r} {verdict} the {aspect} but {count} of "
                            f"{audience.analysed} reviews do ({item.reviewers} mention it)"
                        )
            else:
                count = audience.positive if praise else audience.negative
                if not _enough(count, audience.analysed, quantifier):
                    problems.append(
                        f"says {quantifier!r} {verdict} the film but {count} of {audience.analysed} reviews "
                        f"are {'positive' if praise else 'negative'}"
                    )
    return list(dict.fromkeys(problems))


_COUNT_WORDS = {
    w: float(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


def cites_a_count(text: str, facts: Facts) -> bool:
    """Does the text cite at least one of the facts' counts (in digits or in words)?"""
    figures = set(facts.audience.figures()) if facts.audience else set()
    own = _QUOTED.sub(" ", text)
    numbers = [float(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", own)]
    numbers += [_COUNT_WORDS[w.lower()] for w in re.findall(r"[A-Za-z]+", own) if w.lower() in _COUNT_WORDS]
    return any(n in figures for n in numbers if n > 1)


def sentence_problems(sentence: str, facts: Facts) -> list[str]:
    """What one sentence misstates on its own: names, numbers, quotes, the reception, an
    aspect's praise or blame, a quantifier, the first person or a studio."""
    problems = grounding.sentence_problems("audience_summary", sentence, facts)
    own = _QUOTED.sub(" ", sentence)
    if _FIRST_PERSON.search(own):
        problems.append("the first person")
    if _STUDIO.search(own):
        problems.append("a studio")
    return problems + quantifier_misstatements(sentence, facts)


def audiences_problems(text: str, facts: Facts, *, prompt: str = "") -> list[str]:
    """Every reason `text` may not be shown, before the support check; empty when it passes."""
    problems = list(grounding.check_output("audience_summary", text, facts, prompt=prompt).problems)
    count = len(grounding.sentences(text))
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        problems.append(f"{count} sentences ({MIN_SENTENCES} to {MAX_SENTENCES} wanted)")
    own = _QUOTED.sub(" ", text)
    if _FIRST_PERSON.search(own):
        problems.append(f"speaks in the first person: {_FIRST_PERSON.search(own).group(0)!r}")  # type: ignore[union-attr]
    if _STUDIO.search(own):
        problems.append("speaks of a studio (the text is for members)")
    if not cites_a_count(text, facts):
        problems.append("cites no count from the reviews")
    problems += quantifier_misstatements(text, facts)
    return problems
