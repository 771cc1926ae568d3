"""Moments: the scenes and story elements a film's reviews talk about ("the ending", "the
final 20 minutes", "the shower scene"), found in the review sentences themselves.

Plain data in, plain data out: no Django, no models, no torch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from recommender.insight.mentions import _without_title, _words


@dataclass(frozen=True)
class Moment:
    """A scene or story element that several reviews talk about."""

    phrase: str
    review_ids: tuple[int, ...]
    sentiment: float
    quotes: tuple[str, ...] = field(default=())
    # Every (review id, sentence, score) that mentions it, for callers that pick their own quotes.
    sentences: tuple[tuple[int, str, float], ...] = field(default=())

    @property
    def reviews(self) -> int:
        return len(self.review_ids)


_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15",
    "twenty": "20", "thirty": "30", "forty": "40", "forty-five": "45", "fifty": "50",
    "sixty": "60", "ninety": "90", "few": "few", "several": "several",
}  # fmt: skip
# Ordinals and adjectives allowed between "the" and the head noun; synonyms map together.
_MODIFIERS = {
    "final": "final", "last": "final", "closing": "closing", "first": "first",
    "opening": "opening", "second": "second", "third": "third", "middle": "middle",
    "big": "big", "famous": "famous", "infamous": "famous", "climactic": "climactic",
    "central": "central", "key": "key", "memorable": "memorable", "iconic": "iconic",
    "early": "early", "late": "late", "final,": "final", "big,": "big", "penultimate": "penultimate",
    "extended": "extended", "long": "long", "brief": "brief", "now-famous": "famous",
    "twist": "twist", "surprise": "surprise", "shocking": "shocking", "ambiguous": "ambiguous",
    "emotional": "emotional", "tense": "tense", "bloody": "bloody", "violent": "violent",
    "whole": "", "entire": "", "very": "",
}  # fmt: skip
# Head nouns; those in _NEEDS_QUALIFIER mean nothing alone ("the scene", "the act").
_HEADS = {
    "ending": "ending", "endings": "ending", "twist": "twist", "twists": "twist",
    "climax": "climax", "finale": "finale", "opening": "opening", "reveal": "reveal",
    "montage": "montage", "chase": "chase", "chases": "chase", "showdown": "showdown",
    "epilogue": "epilogue", "prologue": "prologue", "denouement": "denouement",
    "scene": "scene", "scenes": "scene", "sequence": "sequence", "sequences": "sequence",
    "act": "act", "acts": "act", "fight": "fight", "fights": "fight", "battle": "battle",
    "battles": "battle", "minutes": "minutes", "minute": "minutes", "hour": "hour",
    "hours": "hour", "half": "half", "reel": "reel", "shot": "shot", "shots": "shot",
    "moment": "moment", "moments": "moment", "credits": "credits", "heist": "heist",
    "shootout": "shootout", "duel": "duel", "dance": "dance",
}  # fmt: skip
_NEEDS_QUALIFIER = frozenset(
    {"scene", "sequence", "act", "minutes", "hour", "half", "reel", "shot", "moment", "dance", "credits"}
)
# Story elements whose modifier word is an opinion ("the perfect ending"), folded away.
_FOLD_MODIFIER = frozenset(
    {"ending", "twist", "finale", "climax", "reveal", "opening", "epilogue", "prologue", "denouement"}
)
# Words that cannot be the modifier noun in "the <noun> scene".
_NOT_MODIFIER = _words(
    """
    a an the this that same only other best worst most more less very so too one film movie movies
    film's movie's story whole entire next previous following each every such and or but of in on
    at to for with by from as is was are were be been it its his her their our your my some any all
    no not just even still really quite rather good bad great new old much many few latter former
    """
)
_HEAD_ALT = "|".join(sorted(_HEADS, key=len, reverse=True))
_MOD_ALT = "|".join(re.escape(m) for m in sorted(_MODIFIERS, key=len, reverse=True))
_NUM_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|\d{1,3}"
_MOMENT_RE = re.compile(
    rf"\bthe\s+"
    rf"(?P<mods>(?:(?:{_MOD_ALT})\s+){{0,2}})"
    rf"(?P<num>(?:{_NUM_ALT})\s+)?"
    rf"(?P<noun>[a-z][a-z\-]+\s+)?"
    rf"(?P<head>{_HEAD_ALT})\b"
    rf"(?!\s+(?:of\s+(?:the\s+)?(?:film|movie|year|decade|century)|line|films?|movies?|flicks?|genre))",
    re.IGNORECASE,
)


def _moment_key(match: re.Match[str]) -> str | None:
    """The normalised phrase of a moment match, or None if it is too vague."""
    head = _HEADS[match.group("head").lower()]
    mods = [_MODIFIERS[m.lower()] for m in match.group("mods").split()]
    mods = [m for m in dict.fromkeys(mods) if m]
    num_word = (match.group("num") or "").strip().lower()
    num = _NUMBER_WORDS.get(num_word, num_word)
    noun = (match.group("noun") or "").strip().lower()
    if noun:
        if noun in _NOT_MODIFIER or noun in _HEADS or noun in _MODIFIERS or noun in _NUMBER_WORDS:
            return None
        if noun.endswith(("ly", "ing", "ed")) and noun not in {"wedding", "opening", "closing", "ending"}:
            return None  # adverbs and participles ("the really scene", "the amazing scene")
    if noun and num:
        return None  # "the two leads act": a verb, not a scene
    if noun and head in _FOLD_MODIFIER:
        noun = ""  # "the perfect ending", "the plot twist" -> "the ending", "the twist"
    if head in {"minutes", "hour", "half"} and not mods:
        return None  # "the 100 minutes" is a running time, not a part of the film
    if head == "minutes" and not num:
        return None
    if head == "act" and not mods:
        return None  # "the devilish act": a deed; "the third act": a part of the film
    if head in _NEEDS_QUALIFIER and not (mods or num or noun):
        return None
    if head == "opening" and num:
        return None
    words = ["the", *mods, *([num] if num else []), *([noun] if noun else []), head]
    return " ".join(words)


def film_moments(
    *, sentences: list[tuple[int, str, float]], min_reviews: int = 2, film_title: str = ""
) -> list[Moment]:
    """Scenes and story elements that at least ``min_reviews`` reviews mention.

    Found by a small pattern grammar: "the" + up to two ordinals/adjectives (final,
    last, opening, big, famous...) + an optional number (twenty, 20) + an optional
    modifier noun (shower, car) + a scene noun (ending, scene, twist, climax, act,
    chase, minutes...). "last" and "final" are one; number words become digits.
    Ranked by distinct reviews, then by mentions; each keeps the mean sentiment of its
    sentences and up to three verbatim sentences from different reviews.
    """
    found: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    masked = _without_title(sentences, film_title)
    for (review_id, text, score), (_, plain, _) in zip(sentences, masked, strict=True):
        keys = {k for m in _MOMENT_RE.finditer(plain) if (k := _moment_key(m))}
        for key in keys:
            found[key].append((review_id, text, score))

    moments: list[Moment] = []
    for phrase, hits in found.items():
        review_ids = tuple(sorted({rid for rid, _, _ in hits}))
        if len(review_ids) < min_reviews:
            continue
        quotes: list[str] = []
        quoted_reviews: set[int] = set()
        for rid, text, _ in sorted(hits, key=lambda h: (len(h[1]) > 240, len(h[1]))):
            if rid not in quoted_reviews and text.strip() not in quotes and len(quotes) < 3:
                quotes.append(text.strip())
                quoted_reviews.add(rid)
        sentiment = round(sum(s for _, _, s in hits) / len(hits), 3)
        moments.append(
            Moment(
                phrase=phrase,
                review_ids=review_ids,
                sentiment=sentiment,
                quotes=tuple(quotes),
                sentences=tuple(hits),
            )
        )
    moments.sort(key=lambda m: (-m.reviews, -len(found[m.phrase]), m.phrase))
    return moments
