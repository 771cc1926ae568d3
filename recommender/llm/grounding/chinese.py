"""Checks of texts written in Chinese for a member who writes in Chinese.

The English checks count words by spaces, find the member's "I" and read praise and blame
in English words; a Chinese draft has no spaces, says 我 and praises with 精彩. These are the
same rules in Chinese: length (a Chinese word is about 1.5 characters), the first person, not
speaking to the member, the tone within the rating's band, no run of characters carried over
from the member's review of another film, and questions that name something of this film.
"""

from __future__ import annotations

import math
import re

from ..lexicon import ASPECTS_ZH
from ..prompts import Facts
from .member import DraftLanguage
from .member import draft_problems as member_draft_problems
from .names import WORD, title_spellings

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][\w'’]*")
CARRY_OVER_CHARS = 10  # a run of this many characters from a review of another film

_ADDRESSES_MEMBER = re.compile(r"根据你|基于你|你可能会|你也许会|推荐你|建议你|你应该|你会喜欢|适合你|值得你")
_PRAISE = (
    "精彩",
    "出色",
    "喜欢",
    "好看",
    "优秀",
    "杰作",
    "经典",
    "惊艳",
    "感人",
    "震撼",
    "佳作",
    "推荐",
    "享受",
    "完美",
    "出彩",
)
_BLAME = (
    "失望",
    "无聊",
    "拖沓",
    "难看",
    "糟糕",
    "平庸",
    "乏味",
    "烂",
    "俗套",
    "冗长",
    "沉闷",
    "尴尬",
    "浪费",
    "空洞",
    "老套",
)
_NEGATION = re.compile(r"[不没未非无][^，。！？,.!?]{0,2}$")
_SPLIT = re.compile(r"有人|有的|一些|另一些|部分|分歧|褒贬|两极|争议|但|却|而")


def chinese_share(text: str) -> float:
    """The share of a text's letters that are Chinese characters (a Latin word counts 1.5)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text)) * 1.5
    return cjk / (cjk + latin) if cjk + latin else 0.0


def word_count(text: str) -> int:
    """Words of a mixed Chinese and Latin text: Latin words, and Chinese characters / 1.5."""
    return len(_LATIN_WORD.findall(text)) + math.ceil(len(_CJK.findall(text)) / 1.5)


def _tone(text: str) -> tuple[int, int]:
    praise = blame = 0
    for words, positive in ((_PRAISE, True), (_BLAME, False)):
        for word in words:
            for match in re.finditer(re.escape(word), text):
                negated = bool(_NEGATION.search(text[max(0, match.start() - 3) : match.start()]))
                if positive != negated:
                    praise += 1
                else:
                    blame += 1
    return praise, blame


def _runs(text: str, n: int) -> set[str]:
    chars = "".join(_CJK.findall(text))
    return {chars[i : i + n] for i in range(len(chars) - n + 1)}


CHINESE = DraftLanguage(
    first_person=lambda text: "我" in text,
    addresses=_ADDRESSES_MEMBER,
    runs=lambda text: _runs(text, CARRY_OVER_CHARS),
    tone=_tone,
)


# A title between Chinese title marks, and a foreign name written in Chinese characters
# (伯纳德·西尔弗曼): the facts spell titles and names in Latin letters, so neither a title
# translated by the model nor a transliterated name can be checked against them.
_BOOK_TITLE = re.compile(r"《\s*([^《》]{1,160}?)\s*》")
_TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:[·•・][\u4e00-\u9fff]{1,8})+")
_ENDS = ("。", "！", "？", "!", "?", ".", "…", "”", "」", "』", "）", ")")


def _title_keys(title: str) -> set[str]:
    """Each spelling of a catalogue title (`title_spellings`) as a key: casefolded, without
    spaces or punctuation, so 《Usual Suspects, The》 and 《The Usual Suspects》 both match."""
    return {_key(spelling) for spelling in title_spellings(title)} - {""}


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def name_problems(text: str, facts: Facts) -> list[str]:
    """In a text with Chinese in it: every 《title》 is one the facts hold, as they spell it; no
    name in Chinese characters (the facts cannot confirm it); the text ends a sentence (not cut
    off mid-clause, as a budget of tokens leaves it)."""
    if not _CJK.search(text):
        return []
    known = set().union(*(_title_keys(n) for n in facts.names())) if facts.names() else set()
    problems = [
        f"a title the facts do not hold (as they spell it): 《{inner}》"
        for inner in _BOOK_TITLE.findall(text)
        if _key(inner) not in known
    ]
    problems += [
        f"a name in Chinese characters the facts cannot confirm: {n}" for n in _TRANSLITERATED.findall(text)
    ]
    if not text.rstrip().endswith(_ENDS):
        problems.append("cut off mid-sentence")
    return problems


def draft_problems(text: str, facts: Facts) -> list[str]:
    """The draft rules of member.py, read in Chinese, and the draft must be in Chinese."""
    problems = ["not written in Chinese"] if chinese_share(text) < 0.5 else []
    return problems + member_draft_problems(text, facts, CHINESE)


def question_problems(questions: list[str], facts: Facts) -> list[str]:
    """A Chinese question is specific when it names one of the film's people, shares a run of 4
    characters with a review sentence, or names an aspect its reviewers wrote about and their
    split (有人…但…)."""
    m, talk = facts.movie, facts.review_talk
    names = {w.lower() for n in m.cast + m.directors for w in WORD.findall(n) if len(w) > 2}
    quote_runs = set().union(*(_runs(q, 4) for q in talk.quotes)) if talk and talk.quotes else set()
    aspects = [a.aspect for a in talk.aspects] if talk else list(facts.disputed_aspects)
    aspect_words = [w for a in aspects for w in ASPECTS_ZH.get(a, ())]
    problems = []
    for q in questions:
        if chinese_share(q) < 0.5:
            problems.append(f"not in Chinese: {q!r}")
            continue
        if {w.lower() for w in WORD.findall(q)} & names or _runs(q, 4) & quote_runs:
            continue
        if any(w in q for w in aspect_words) and _SPLIT.search(q):
            continue
        problems.append(f"generic, names nothing its reviews talk about: {q!r}")
    return problems
