"""What of a member's text the support check reads: its statements about the film, and the
source they must be supported by (the facts its prompt was given).

A draft or an explanation is mostly opinion ("the middle dragged"), which no source can
support or refute; the judge is asked only about sentences that say something checkable
about the film: that name one of its people or a name from its plot text, or speak of its
story, cast or characters ("Tom Hanks plays a lawyer who ...", "the film follows ...").
"""

from __future__ import annotations

import re

from ..prompts import Facts, messages_for, plot_excerpt
from .names import _COMMON, _NOT_NAMES, WORD, sentences

SUPPORT_KINDS = ("review_draft", "explanation")

_FILM_TALK = re.compile(
    # words that state a fact about the film; "the plot dragged" or "the ending" are opinion talk
    r"\b(?:plays|played|playing|starring|starred|directed|directs|portray\w*|follows|is about|was about"
    r"|tells the story|the story of|set in|takes place|protagonist|villain"
    # measured on real drafts: invented plots came as "The plot revolves around a group of
    # criminals ...", "It's a story of love, loss, and redemption, set against the backdrop of
    # ...", "It tells a powerful story of hope ... through the eyes of two prisoners"
    r"|revolves around|revolve around|cent(?:er|re)s on|a story of|tells (?:a|an|the)\b[^.]{0,30}\bstory"
    r"|set against|through the eyes of|the film is about|the movie is about|quest to|sets out to"
    # an explanation on real members: "its focus on the lives of Chinese immigrants" (Chinatown)
    r"|focus(?:es|ed)? on|the lives of|deals with|depicts|chronicles)\b",
    re.IGNORECASE,
)
# lines of the prompt's facts that are not about this film: the member's reviews of other films
_OTHER_FILMS_REVIEW = re.compile(r"^(?:My earlier review of|The user's review of) ")


def film_source(kind: str, facts: Facts) -> str:
    """The facts the prompt gave, as the judge reads them: the film's title, genres, director,
    cast and plot excerpt, and the member's ratings and tastes; not their reviews of other films
    (what they said of another film is no fact about this one)."""
    content = messages_for(kind, facts)[-1]["content"]
    body = content.split("FACTS\n", 1)[-1].split("\n\nTASK", 1)[0]
    return "\n".join(line for line in body.splitlines() if not _OTHER_FILMS_REVIEW.match(line))


def _film_names(facts: Facts) -> set[str]:
    """Words that, written in a sentence, name one of the film's people or one of its plot's names."""
    words: set[str] = set()
    for name in facts.movie.directors + facts.movie.cast:
        words |= {w for w in WORD.findall(name) if len(w) > 2}
    title = {w.lower() for w in WORD.findall(facts.movie.title)}
    for word in re.findall(r"\b[A-Z][\w'’\-]+", plot_excerpt(facts.movie)):
        low = word.lower()
        if low not in _COMMON and low not in _NOT_NAMES and low not in title and len(word) > 2:
            words.add(word)
    return words


# A member's frame around a statement: "I loved how ...", "What stayed with me: ...", "Honestly it
# bored me, even though ...". The frame is opinion; what follows its connector is the statement.
_FRAME = re.compile(
    r"^(?P<frame>[^.!?]*?\b(?:I|me|my)\b[^.!?]*?)(?::\s+|,?\s+\b(?:that|how|though|although|when|the way|"
    r"because)\s+)(?P<rest>.+)$",
    re.IGNORECASE,
)
# Words that grade rather than state: "a powerful performance" states that there is a performance.
_GRADING = re.compile(
    r"\b(?:powerful|brilliant\w*|superb\w*|excellent\w*|outstanding|stunning\w*|great|good|wonderful\w*|"
    r"amazing\w*|terrific|memorable|compelling\w*|convincing\w*|captivating\w*|impressive\w*|gripping\w*|"
    r"masterful\w*|beautiful\w*|haunting\w*|moving\w*|touching\w*|nuanced|subtle\w*|strong|"
    r"fantastic\w*|incredibl\w+|remarkabl\w+|unforgettabl\w+|stellar|standout|excellent|fine|solid\w*|"
    r"weak\w*|poor\w*|bland\w*|flat|wooden|dull\w*|boring\w*|awful\w*|terribl\w+|mediocre|forgettable|"
    r"truly|really|very|absolutely|particularly|especially|quite|so|deeply|utterly|perfectly|simply)\b\s*",
    re.IGNORECASE,
)


def factual_core(sentence: str, facts: Facts) -> str:
    """What the support judge is asked about a member's sentence: the statement without the
    member's frame and grading words. Measured on the 1.5B judge: true sentences framed as
    opinion ("Sandra Bullock delivering a powerful performance") were turned down, because
    no fact says the performance is powerful; that is opinion, which is the member's to hold."""
    core = sentence.strip()
    match = _FRAME.match(core)
    if (
        match
        and len(match.group("rest").split()) >= 3
        and not set(WORD.findall(match.group("frame"))) & _film_names(facts)
    ):
        core = match.group("rest")
    core = re.sub(r"\s+([.,!?;:])", r"\1", re.sub(r"\s{2,}", " ", _GRADING.sub("", core))).strip()
    content = [w for w in WORD.findall(core) if w.lower() not in _COMMON]
    return core[:1].upper() + core[1:] if len(content) >= 2 else sentence.strip()


def film_statements(text: str, facts: Facts) -> list[str]:
    """The sentences of `text` that state something checkable about the film, in order."""
    names = _film_names(facts)
    out = []
    for sentence in sentences(text):
        said = set(WORD.findall(sentence))
        if said & names or _FILM_TALK.search(sentence):
            out.append(sentence)
    return out
