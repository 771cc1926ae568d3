"""Which language a review is written in, from its script and a few common words.

No model and no package: the writing system decides most cases (Chinese characters without
kana are Chinese, with kana Japanese, Hangul Korean, Cyrillic Russian), and text in the Latin
script is English unless its common short words clearly say French, German, Spanish, Italian
or Portuguese. What it cannot do: tell Cyrillic languages apart (Ukrainian, Bulgarian and
Serbian come out "ru"), recognise Latin-script languages other than the six above (Dutch,
Polish, Turkish... come out "en" or "und"), or read transliterated text (pinyin is "en"). Text
too short or too evenly split to decide is "und" (undetermined, as in ISO 639-2).
"""

from __future__ import annotations

import re
import unicodedata

UNDETERMINED = "und"
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    UNDETERMINED: "Undetermined",
}
LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())

# One CJK character carries about as much as a short word: weigh it like three Latin letters,
# so "我很喜欢 Keanu Reeves 的表演" counts as Chinese, not English.
_CJK_WEIGHT = 3
_MIN_LETTERS = 3  # fewer (weighted) letters than this: undetermined

# Short words frequent in each language. A word several languages share ("la": French, Spanish,
# Italian) counts as a fraction of a word for each, so the words only one language uses decide;
# the decision below also needs a clear winner.
_STOP_WORDS = {
    "en": "the and is of to in that it was with for this but as on are be not have has at by "
    "an or his her they you what from which who its one all so very too just more than no a i "
    "my we he she there their been would about into only even",
    "fr": "le la les des de du est une et dans pas qui que pour avec ce cette sur je mais très "
    "au aux il elle ils sont été avait être un ne nous vous plus ses son où c'est qu'il à",
    "de": "der die das und ist nicht ein eine ich mit auch sich zu den dem es aber sehr wie "
    "auf von für im war sind wird noch nur einen einem einer dass hat kein",
    "es": "el la los las de es una un que en por con para pero muy del se lo como más su al sus "
    "y esta este fue son sin sobre también porque película ni nos así donde cuando todo hay ya "
    "entre cada no",
    "it": "il lo la le gli che è di un una per con non sono del della molto ma anche nel alla "
    "questo questa più ha hanno dei delle al si ci tra dove quando tutto poi ancora",
    "pt": "o os as que é um uma não com para do da de em mas muito se no na dos das ao pelo "
    "pela mais como foi são também filme isso esse essa a há seu sua ser pode até você então "
    "ainda só mesmo já",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()}
_SHARED_BY = {
    word: sum(word in vocab for vocab in _WORDS.values()) for vocab in _WORDS.values() for word in vocab
}
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    ):
        return "han"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if ch.isalpha() and "LATIN" in unicodedata.name(ch, ""):
        return "latin"
    return None


def _latin_language(text: str) -> str:
    words = _TOKEN.findall(text.lower())
    hits = {lang: sum(1 / _SHARED_BY[w] for w in words if w in vocab) for lang, vocab in _WORDS.items()}
    english = hits.pop("en")
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    (best, best_hits), (_, runner_up) = ranked[0], ranked[1]
    # Clear evidence: a few of the language's words (weighted as above), well ahead of English
    # and of the nearest other language (Spanish and Portuguese share many short words).
    if best_hits >= 2 and best_hits >= 2 * english and best_hits >= 1.5 * runner_up:
        return best
    if best_hits >= 2 and best_hits >= 2 * english:
        return UNDETERMINED  # not English, but not clearly one of the five either
    return "en"


def detect_language(text: str) -> str:
    """The language code of ``text`` ("en", "fr", "de", "es", "it", "pt", "ru", "zh", "ja",
    "ko"), or "und" when there is too little text or no script clearly dominates."""
    counts = {"kana": 0, "hangul": 0, "han": 0, "cyrillic": 0, "latin": 0}
    for ch in text or "":
        script = _script(ch)
        if script is not None:
            counts[script] += 1
    weighted = {
        "cjk": (counts["kana"] + counts["han"]) * _CJK_WEIGHT,
        "hangul": counts["hangul"] * _CJK_WEIGHT,
        "cyrillic": counts["cyrillic"],
        "latin": counts["latin"],
    }
    total = sum(weighted.values())
    if total < _MIN_LETTERS:
        return UNDETERMINED
    script, amount = max(weighted.items(), key=lambda item: item[1])
    if amount < 0.6 * total:
        return UNDETERMINED
    if script == "cjk":
        # Japanese mixes Chinese characters with kana; Chinese text has no kana at all.
        return "ja" if counts["kana"] >= max(2, 0.1 * (counts["kana"] + counts["han"])) else "zh"
    if script == "hangul":
        return "ko"
    if script == "cyrillic":
        return "ru"
    return _latin_language(text)
