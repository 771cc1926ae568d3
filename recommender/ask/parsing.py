"""A member's request read by rules: genres, years, runtime, moods, "like <title>", people.

Plain Python (no Django, no model): `parse_rules(text)` answers a `Query` for the common forms
in English and Chinese, and `refine(previous, new)` folds a follow-up ("older", "shorter",
"less violent", "not Spielberg") into the last query. What the rules leave over is kept in
`Query.text`; the generator is asked for that part only (services), and titles and people are
always looked up in the catalogue (resolve.py), never taken on trust.
"""

from __future__ import annotations

import re
from typing import Any

from .query import Query, Reference
from .vocabulary import GENRE_WORDS, MOODS

__all__ = ["GENRE_WORDS", "MOODS", "Query", "Reference", "is_chinese", "parse_rules"]

SHORT_MINUTES = 95  # "short", "quick", 短
NOT_TOO_LONG_MINUTES = 120
OLDER_BEFORE = 1990  # "older" with no years asked yet: before 1990
CLASSIC_BEFORE = 1980
RECENT_FROM = 2010
MIN_RUNTIME = 60

_CJK = re.compile(r"[\u3400-\u9fff]")
_NEGATION_EN = r"(?:no|not|without|avoid|except|nothing|never|skip|minus|but not|isn't|no more)"
_NEGATION_ZH = ("不要", "不想", "不看", "别", "不是", "除了", "没有", "非", "不喜欢", "讨厌")
_DECADE_WORDS = {
    "twenties": 1920,
    "thirties": 1930,
    "forties": 1940,
    "fifties": 1950,
    "sixties": 1960,
    "seventies": 1970,
    "eighties": 1980,
    "nineties": 1990,
}
_ZH_DIGITS = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Words that end a "like <title>" reference in English.
_REFERENCE_END = re.compile(
    r"\s+(?:but|from|for|with|without|that|which|and also|under|less|more|only|not|in the|set in|"
    r"directed|starring|please|tonight|this|to watch|or something|except|though|yet|made|shorter|older)\b"
    r"|[,.;!?()]|\s+-\s+|$",
    re.IGNORECASE,
)
_NOT_A_TITLE = re.compile(
    r"^(?:a|an|to|it|that|this|these|those|something|some|one|what|him|her|them|me|you|my|watching|"
    r"work|dinner|lunch|school|the weekend|tonight|today|that one|yesterday)\b",
    re.IGNORECASE,
)
_PERSON_CUE = re.compile(
    r"\b(?:with|starring|featuring|directed by|by|from director|actor|actress|director)\s+"
    r"((?:[A-Z][\w'’.\-]+)(?:\s+(?:[A-Z][\w'’.\-]+|de|van|von|del|da|di|la|le)){0,3})"
)
_AVOID_PERSON = re.compile(
    r"\b(?:not|no|without|nothing by|nothing with|avoid|except|no more)\s+(?:by\s+|with\s+|from\s+)?"
    r"((?:[A-Z][\w'’.\-]+)(?:\s+[A-Z][\w'’.\-]+){0,3})"
)
_STOP_WORDS = (
    "a an the i me my we you your something some film films movie movies watch want would like "
    "to for of in on and or with me please one any give show find recommend suggest what should "
    "could can get tonight today night evening weekend is it that this be good great nice "
    "really very kind sort type looking look love lot bit from after but also maybe just im i'm "
    "id i'd feel mood about made set something's anything there are have has had been seen see "
    "watching ok okay let lets let's need new old more less than under over time minutes min "
    "mins hour hours"
)
_STOP = frozenset(_STOP_WORDS.split())


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def _add(items: list, value: Any) -> None:
    if value not in items:
        items.append(value)


class _Reader:
    """One pass over a request: each rule marks the span it used, the rest is free text."""

    def __init__(self, text: str) -> None:
        self.text = re.sub(r"\s+", " ", text or "").strip()
        self.lower = self.text.lower()
        self.used = [False] * len(self.text)
        self.query = Query(language="zh" if is_chinese(self.text) else "en")

    def mark(self, start: int, end: int) -> None:
        for i in range(max(0, start), min(end, len(self.used))):
            self.used[i] = True

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def leftover(self) -> str:
        kept = "".join(ch if not used else " " for ch, used in zip(self.text, self.used, strict=True))
        if self.query.language == "zh":
            kept = re.sub(
                r"[我想要看一部个些的吧呢吗啊电影片部推荐给有没什么找帮像样点类似今晚晚上周末，。！？、\s]+",
                " ",
                kept,
            )
            return kept.strip()
        words = [w for w in re.findall(r"[\w'’\-]+", kept.lower()) if w not in _STOP and not w.isdigit()]
        return " ".join(words)


def _negated_en(lower: str, start: int) -> bool:
    before = lower[max(0, start - 24) : start]
    return bool(re.search(rf"\b{_NEGATION_EN}\s+(?:\w+\s+)?$", before))


def _negated_zh(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    return any(neg in before for neg in _NEGATION_ZH)


def _read_references(r: _Reader) -> None:
    """ "like Alien", "similar to Heat", "after Heat" (capitalised), 《X》 and 像X一样."""
    q = r.query
    for m in re.finditer(r"《([^》]{1,80})》", r.text):
        _add_reference(q.like, m.group(1).strip())
        r.mark(m.start(), m.end())
    zh = re.finditer(
        r"(?:像|类似|类似于|和|跟)([^\s，。,]{1,40}?)(?:一样|类似|差不多|那样|的电影|的片)", r.text
    )
    for m in zh:
        if r.free(m.start(1), m.end(1)):
            _add_reference(q.like, m.group(1).strip())
            r.mark(m.start(), m.end())
    zh_after = re.finditer(r"看完([^\s，。,]{1,40}?)(?:之后|以后|后)", r.text)
    for m in zh_after:
        if r.free(m.start(1), m.end(1)):
            _add_reference(q.like, m.group(1).strip())
            r.mark(m.start(), m.end())
    cues = re.finditer(
        r"\b(?:(?<!\bi )(?<!\bi'd )(?<!\bwould )(?<!\byou )(?<!\bthey )(?<!\bwe )like|similar to|"
        r"in the vein of|in the spirit of|along the lines of|reminds me of|the likes of|a la|à la|"
        r"(?P<after>after|next to|followed up with))\s+[\"'“]?",
        r.text,
        re.IGNORECASE,
    )
    for m in cues:
        rest = r.text[m.end() :]
        if not rest or _NOT_A_TITLE.match(rest):
            continue
        if m.group("after") and not (rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"'“"):
            continue
        if re.match(r"\d{4}\b|\d{2,3}\s*(?:min|minutes)", rest):  # "after 2000": years, not a title
            continue
        quoted = re.match(r"([^\"”']{1,80})[\"”']", rest) if r.text[m.end() - 1 : m.end()] in "\"'“" else None
        if quoted:
            title, end = quoted.group(1), m.end() + quoted.end()
        else:
            stop = _REFERENCE_END.search(rest)
            title = rest[: stop.start() if stop else len(rest)]
            end = m.end() + len(title)
        title = title.strip(" \"'“”")
        words = title.split()
        if not title or len(words) > 8:
            continue
        # a genre word after "like" ("like a comedy") is the genre, read below
        if any(title.lower() in words_ for words_ in GENRE_WORDS.values()):
            continue
        _add_reference(q.like, title)
        r.mark(m.start(), end)


def _add_reference(items: list[Reference], text: str) -> None:
    if text and all(ref.text.lower() != text.lower() for ref in items):
        items.append(Reference(text=text))


def _read_people(r: _Reader) -> None:
    q = r.query
    for m in _AVOID_PERSON.finditer(r.text):
        name = m.group(1).strip(" .")
        if not r.free(m.start(1), m.end(1)) or _is_genre_word(name):
            continue
        _add_reference(q.avoid_people, name)
        r.mark(m.start(), m.end())
    for m in _PERSON_CUE.finditer(r.text):
        name = m.group(1).strip(" .")
        if not r.free(m.start(1), m.end(1)) or _is_genre_word(name):
            continue
        _add_reference(q.people, name)
        r.mark(m.start(), m.end())
    zh_avoid = re.finditer(
        r"(?:不要|不看|别|除了)([A-Za-z\u3400-\u9fff·\. ]{2,30}?)(?:的电影|的片|导演的|演的)", r.text
    )
    for m in zh_avoid:
        if r.free(m.start(1), m.end(1)):
            _add_reference(q.avoid_people, m.group(1).strip())
            r.mark(m.start(), m.end())
    zh = re.finditer(r"([A-Za-z\u3400-\u9fff·\. ]{2,30}?)(?:导演的|主演的|演的)", r.text)
    for m in zh:
        if r.free(m.start(1), m.end(1)):
            _add_reference(q.people, m.group(1).strip())
            r.mark(m.start(), m.end())


def _is_genre_word(word: str) -> bool:
    low = word.lower()
    return any(low in words for words in GENRE_WORDS.values()) or any(
        low in mood["words"] for mood in MOODS.values()
    )


def _read_moods(r: _Reader) -> None:
    q = r.query
    # longest words first, over every mood: "less scary" before "scary"
    pairs = sorted(
        ((w, mood) for mood, spec in MOODS.items() for w in spec["words"]), key=lambda p: -len(p[0])
    )
    for word, mood in pairs:
        pattern = re.escape(word) if _CJK.search(word) else rf"\b{re.escape(word)}\b"
        for m in re.finditer(pattern, r.lower):
            if not r.free(m.start(), m.end()):
                continue
            _add(q.moods, mood)
            r.mark(m.start(), m.end())


def _read_genres(r: _Reader) -> None:
    q = r.query
    before = list(r.used)  # a word may name two genres ("romcom"): each reads the text as it was
    for genre, words in GENRE_WORDS.items():
        for word in sorted(words, key=len, reverse=True):
            cjk = bool(_CJK.search(word))
            pattern = re.escape(word) + ("" if cjk else r"\b")
            pattern = pattern if cjk else rf"\b{pattern}"
            for m in re.finditer(pattern, r.lower):
                if any(before[m.start() : m.end()]) or (genre in q.genres + q.avoid_genres):
                    continue
                negated = _negated_zh(r.text, m.start()) if cjk else _negated_en(r.lower, m.start())
                if word == "family" and re.search(r"\bwith (?:my |the )?$", r.lower[: m.start()]):
                    continue  # "with my family" is the audience, not the genre
                if negated:
                    _add(q.avoid_genres, genre)
                    if genre in q.genres:
                        q.genres.remove(genre)
                elif genre not in q.avoid_genres:
                    _add(q.genres, genre)
                start = m.start()
                if negated:
                    neg = re.search(rf"\b{_NEGATION_EN}\s+(?:\w+\s+)?$", r.lower[:start]) if not cjk else None
                    start = neg.start() if neg else max(0, start - 2)
                r.mark(start, m.end())
    # "scary" alone asks for a mood, "horror" for the genre; both may be there.


def _century(two_digits: int) -> int:
    return 2000 + two_digits if two_digits < 30 else 1900 + two_digits


def _read_years(r: _Reader) -> None:
    q, low = r.query, r.lower
    for m in re.finditer(r"\bbetween\s+(\d{4})\s+and\s+(\d{4})\b|\b(\d{4})\s*(?:-|–|to)\s*(\d{4})\b", low):
        a, b = (int(g) for g in (m.group(1) or m.group(3), m.group(2) or m.group(4)))
        q.year_min, q.year_max = min(a, b), max(a, b)
        r.mark(m.start(), m.end())
    for m in re.finditer(r"(?:\b(?:the\s+)?(?:early|late|mid)[\s-])?\b(?:'|’)?(\d{2}|\d{4})'?s\b", low):
        value = int(m.group(1))
        if value >= 100 and value % 10:
            continue
        start = value if value >= 100 else _century(value)
        if value < 100 and value % 10:
            continue
        end = start + 9
        span = m.group(0)
        if "early" in span:
            end = start + 4
        elif "late" in span:
            start += 5
        elif "mid" in span:
            start, end = start + 3, start + 7
        if r.free(m.start(), m.end()):
            q.year_min, q.year_max = start, end
            r.mark(m.start(), m.end())
    for word, start in _DECADE_WORDS.items():
        for m in re.finditer(rf"\b{word}\b", low):
            q.year_min, q.year_max = start, start + 9
            r.mark(m.start(), m.end())
    pattern = (
        r"\b(?:after|since|newer than|later than|post)[\s-]+(\d{4})\b|\bfrom\s+(\d{4})\s+(?:on|onwards)\b"
    )
    for m in re.finditer(pattern, low):
        if r.free(m.start(), m.end()):
            after = m.group(0).startswith(("after", "newer", "later", "post"))
            q.year_min = int(m.group(1) or m.group(2)) + (1 if after else 0)
            r.mark(m.start(), m.end())
    for m in re.finditer(r"(?:\b(?:before|pre|older than|earlier than|until)[\s-]+)(\d{4})\b", low):
        if r.free(m.start(), m.end()):
            q.year_max = int(m.group(1)) - (0 if m.group(0).startswith("until") else 1)
            r.mark(m.start(), m.end())
    for m in re.finditer(r"\b(?:in|from|of)\s+(\d{4})\b|\b(\d{4})\s+(?:film|movie)", low):
        if r.free(m.start(), m.end()):
            year = int(m.group(1) or m.group(2))
            if 1890 <= year <= 2030:
                q.year_min = q.year_max = year
                r.mark(m.start(), m.end())
    # Chinese: 九十年代, 90年代, 1990年代, 1995年以后, 2000年以前, 老电影, 新片
    for m in re.finditer(r"([二三四五六七八九])十年代|(\d{2})年代|(\d{4})年代", r.text):
        if m.group(1):
            start = 1900 + 10 * _ZH_DIGITS[m.group(1)]
        elif m.group(2):
            start = _century(int(m.group(2)))
        else:
            start = int(m.group(3))
        q.year_min, q.year_max = start, start + 9
        r.mark(m.start(), m.end())
    for m in re.finditer(r"(\d{4})年(?:以后|之后|后|以来)", r.text):
        q.year_min = int(m.group(1))
        r.mark(m.start(), m.end())
    for m in re.finditer(r"(\d{4})年(?:以前|之前|前)", r.text):
        q.year_max = int(m.group(1)) - 1
        r.mark(m.start(), m.end())
    if q.year_min is None and q.year_max is None:
        for m in re.finditer(
            r"\b(?:classic|classics|old-school|old school|golden age)\b|经典|老片|老电影", low
        ):
            q.year_max = CLASSIC_BEFORE - 1
            r.mark(m.start(), m.end())
        for m in re.finditer(r"\b(?:older|old)\b|(?:老一点|更老|早一点|年代久一点)", low):
            q.year_max = OLDER_BEFORE - 1
            r.mark(m.start(), m.end())
        for m in re.finditer(r"\b(?:recent|new|newer|modern|latest)\b|新片|最近|新一点|较新", low):
            q.year_min = RECENT_FROM
            r.mark(m.start(), m.end())


def _read_runtime(r: _Reader) -> None:
    q, low = r.query, r.lower
    minutes = r"(\d{2,3})\s*(?:min|mins|minutes|m)\b"
    hours = r"(\d(?:\.\d)?|an?|one|two|three)\s*(?:hours?|hrs?|h)\b"
    numbers = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
    limit = (
        r"(?:under|less than|at most|no more than|no longer than|shorter than|below|max|maximum|within"
        r"|<|<=|up to)"
    )
    for m in re.finditer(
        rf"\b{limit}\s*(?:{minutes}|{hours})|(?:{minutes}|{hours})\s+(?:or less|or shorter|max|tops)", low
    ):
        groups = m.groups()
        mins = groups[0] or groups[2]
        hrs = groups[1] or groups[3]
        if mins:
            q.max_runtime = int(mins)
        elif hrs:
            q.max_runtime = int(float(numbers.get(hrs, hrs)) * 60)
        r.mark(m.start(), m.end())
    for m in re.finditer(
        r"(?:不超过|少于|小于)?(\d{2,3})分钟(?:以内|之内|以下)?|(?:不超过|少于)?(两|一|三|\d)个?(?:半)?小时(?:以内|之内|以下)",
        r.text,
    ):
        if m.group(1) and not re.search(r"不超过|少于|小于|以内|之内|以下", m.group(0)):
            continue
        if m.group(1):
            q.max_runtime = int(m.group(1))
        else:
            count = {"一": 1, "两": 2, "三": 3}.get(m.group(2)) or int(m.group(2))
            q.max_runtime = count * 60 + (30 if "半" in m.group(0) else 0)
        r.mark(m.start(), m.end())
    if q.max_runtime is None:
        for m in re.finditer(r"\b(?:short|shorter|quick|brief)\b|短", low):
            if r.text[m.start() : m.start() + 2] == "短片":
                continue  # a short film, not a short feature
            q.max_runtime = SHORT_MINUTES
            r.mark(m.start(), m.end())
        for m in re.finditer(r"\bnot (?:too|very|that) long\b|不要太长|别太长|不太长", low):
            q.max_runtime = NOT_TOO_LONG_MINUTES
            r.mark(m.start(), m.end())


def parse_rules(text: str) -> Query:
    """The parts of `text` the rules can read; the rest is left in `Query.text`."""
    r = _Reader(text)
    _read_references(r)
    _read_years(r)
    _read_runtime(r)
    _read_moods(r)
    _read_genres(r)
    _read_people(r)
    r.query.text = r.leftover()
    return r.query
