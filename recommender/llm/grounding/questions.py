"""What makes a discussion question worth asking: it is about this film and specific to what its
reviews talk about.

Measured on real films, every question passed the older checks, yet none of six read was
usable: "Why did you like the film?" fits any film, and others asked about a film the member
had rated. A question here must name something of this film: one of its people or characters,
a word that only its review sentences use ("the lobby shootout"), or an aspect its reviewers
wrote about together with their split ("some reviewers found the pacing slow, others ...").
"""

from __future__ import annotations

import re

from ..lexicon import ASPECTS
from ..prompts import Facts, plot_excerpt
from .names import _COMMON, _NOT_NAMES, WORD, opens_sentence

# Words too common to make a question specific, even when a review uses them.
_GENERIC = frozenset(
    re.findall(
        r"\S+",
        """about above after again against along among another anyone anything around because
        before being below between could doesn't during either every everyone everything fans
        felt films found going great having himself herself itself least little makes making
        movie movies might never often other others overall people perhaps quite rather really
        reader readers reviewers reviews review seems seemed should since something still story
        think thought those though through under until watch watched watching where whether which
        while whose without would years really truly enjoy enjoyed liked like loved favourite
        favorite scene scenes moment moments parts things thing viewer viewers audience audiences
        point points aspect aspects experience interesting opinion believe agree first second
        third""",
    )
)
# What says the reviewers split on an aspect, for a question whose only anchor is that aspect.
_SPLIT = re.compile(
    r"\b(?:disagree\w*|split|divided|divisive|polari[sz]\w*|mixed|some (?:reviewers|critics|viewers|found|"
    r"say|said|felt|praise\w*|call\w*)|others?|while|whereas|but|praised?|criticis\w*|criticiz\w*)\b",
    re.IGNORECASE,
)


def _content_words(text: str) -> set[str]:
    return {
        w.lower()
        for w in WORD.findall(text)
        if len(w) >= 5 and w.lower() not in _GENERIC and w.lower() not in _COMMON
    }


def _anchors(facts: Facts) -> tuple[set[str], set[str], set[str]]:
    """(names, review words, aspect words) a question about this film's reviews may rest on."""
    m = facts.movie
    names = {w.lower() for n in m.cast + m.directors for w in WORD.findall(n) if len(w) > 2}
    title = {w.lower() for w in WORD.findall(m.title)}
    talk = facts.review_talk
    quotes = talk.quotes if talk else []
    for text in [plot_excerpt(m), *quotes]:
        for match in re.finditer(r"\b[A-Z][\w'’\-]+", text):
            low = match.group(0).lower()
            if opens_sentence(text, match.start()):
                continue  # "Tense", "Overall": a sentence's first word is seldom a name
            if low not in _COMMON and low not in _NOT_NAMES and low not in title and len(low) > 2:
                names.add(low)
    review_words = set().union(*(_content_words(q) for q in quotes)) if quotes else set()
    aspects = [a.aspect for a in talk.aspects] if talk else list(facts.disputed_aspects)
    aspect_words = {w for a in aspects for w in (*ASPECTS.get(a, ()), *a.split())}
    return names - title, review_words - title, aspect_words


def question_problems(questions: list[str], facts: Facts) -> list[str]:
    """Why each question is not one for this film's discussion: generic (it names nothing of this
    film or its reviews), or about another film (a title the member rated or reviewed)."""
    names, review_words, aspect_words = _anchors(facts)
    others = {
        t
        for t, _ in facts.user.ratings + facts.user.reviews
        if len(t) >= 4 and t.lower() not in facts.movie.title.lower()
    }
    problems = []
    for q in questions:
        words = {w.lower().removesuffix("'s").removesuffix("’s") for w in WORD.findall(q)}
        other = [t for t in others if re.search(rf"\b{re.escape(t)}\b", q, re.IGNORECASE)]
        if other:
            problems.append(f"asks about another film ({other[0]!r}): {q!r}")
            continue
        if words & names or _content_words(q) & review_words:
            continue
        if words & aspect_words and _SPLIT.search(q):
            continue
        problems.append(f"generic, names nothing its reviews talk about: {q!r}")
    return problems
