"""Follow-ups: "older", "newer", "shorter", "less violent", "not Spielberg" folded into the
conversation's last query."""

from __future__ import annotations

import re

from .parsing import MIN_RUNTIME, OLDER_BEFORE, RECENT_FROM, SHORT_MINUTES, _add, _add_reference, parse_rules
from .query import Query

# Follow-ups that move the last query rather than replace it.
_OLDER = re.compile(r"\b(?:older|earlier|an older one)\b|老一点|更老|早一点|年代久一点|再老", re.IGNORECASE)
_NEWER = re.compile(r"\b(?:newer|more recent|later)\b|新一点|更新|近一点", re.IGNORECASE)
_SHORTER = re.compile(r"\bshorter\b|短一点|更短|再短", re.IGNORECASE)
# Words that make a sentence naming a genre or a title a change to the last request
# ("horror instead", "make it a comedy", "also sci-fi", 换成喜剧) rather than a new one.
_FOLLOW_UP_CUE = re.compile(
    r"\b(?:instead|rather|also|too|same|again|still|make it|now|more|less|longer|what about|how about)\b"
    r"|^\s*(?:and|but|or)\b|一点|更|再|换成|换个|改成|也|还是",
    re.IGNORECASE,
)


def is_new_request(text: str, new: Query) -> bool:
    """Whether ``text`` (read as ``new``) asks for something else rather than changing the last
    request: it names what to watch (a genre or "like <title>") with no follow-up cue."""
    if not (new.genres or new.like):
        return False
    return not (
        _FOLLOW_UP_CUE.search(text) or _OLDER.search(text) or _NEWER.search(text) or _SHORTER.search(text)
    )


def refine(previous: Query, text: str) -> Query:
    """The previous query with a follow-up applied: what the follow-up names replaces or adds
    to it, and "older", "newer", "shorter" move its years or runtime from where they were.
    A new request in the same conversation ("a horror film from the 80s" after "a short
    comedy") starts afresh: nothing of the last one (its runtime, moods, people) is kept."""
    new = parse_rules(text)
    if is_new_request(text, new):
        return new
    merged = Query.from_dict(previous.as_dict())
    merged.language = new.language
    if _OLDER.search(text):
        merged.year_min, merged.year_max = _shift_years(previous, earlier=True)
        new.year_min = new.year_max = None
    elif _NEWER.search(text):
        merged.year_min, merged.year_max = _shift_years(previous, earlier=False)
        new.year_min = new.year_max = None
    if _SHORTER.search(text):
        current = previous.max_runtime
        merged.max_runtime = max(MIN_RUNTIME, current - 15) if current else SHORT_MINUTES + 5
        new.max_runtime = None
    if new.genres:
        merged.genres = [g for g in new.genres]
    for genre in new.avoid_genres:
        _add(merged.avoid_genres, genre)
        if genre in merged.genres:
            merged.genres.remove(genre)
    merged.genres = [g for g in merged.genres if g not in merged.avoid_genres or g in new.genres]
    if new.year_min is not None or new.year_max is not None:
        merged.year_min, merged.year_max = new.year_min, new.year_max
    if new.max_runtime is not None:
        merged.max_runtime = new.max_runtime
    for mood in new.moods:
        _add(merged.moods, mood)
    if new.like:
        merged.like = new.like
    for ref in new.people:
        _add_reference(merged.people, ref.text)
    for ref in new.avoid_people:
        _add_reference(merged.avoid_people, ref.text)
        merged.people = [p for p in merged.people if p.text.lower() != ref.text.lower()]
    leftover = " ".join(w for w in new.text.split() if w not in {"older", "newer", "shorter"})
    merged.text = leftover or previous.text
    return merged


def _shift_years(q: Query, *, earlier: bool) -> tuple[int | None, int | None]:
    if q.year_min is not None and q.year_max is not None:
        width = q.year_max - q.year_min + 1
        step = -width if earlier else width
        return q.year_min + step, q.year_max + step
    if earlier:
        if q.year_min is not None:
            return None, q.year_min - 1
        if q.year_max is not None:
            return None, q.year_max - 10
        return None, OLDER_BEFORE - 1
    if q.year_max is not None:
        return q.year_max + 1, None
    if q.year_min is not None:
        return q.year_min + 10, None
    return RECENT_FROM, None
