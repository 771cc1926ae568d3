"""Scripted stand-ins for the models, selected with LLM_BACKEND=fake (unit tests only).

They follow the same interfaces as the real ones so services and tasks can be tested
in milliseconds; every feature also has a test with the real packaged model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .generation import FakeBackend
from .sentiment.model import Analysis, AspectSentiment
from .sentiment.multilingual import READING_ENSEMBLE, aspect_clauses_zh, reading_for
from .sentiment.text import ASPECT_PATTERNS, label_for, split_sentences

__all__ = ["FakeBackend", "FakeSentiment"]

_POSITIVE = {
    "good",
    "great",
    "superb",
    "loved",
    "love",
    "brilliant",
    "moving",
    "wonderful",
    "best",
    "fun",
    "tense",
}
_NEGATIVE = {"bad", "boring", "awful", "hated", "mess", "worst", "dull", "dragged", "terrible", "weak"}
_POSITIVE_ZH = ("好看", "精彩", "出色", "喜欢", "感人", "推荐")
_NEGATIVE_ZH = ("难看", "无聊", "拖沓", "失望", "烂", "糟糕")


def _score(text: str) -> float:
    words = re.findall(r"[a-z]+", text.lower())
    pos = sum(w in _POSITIVE for w in words) + sum(text.count(w) for w in _POSITIVE_ZH)
    neg = sum(w in _NEGATIVE for w in words) + sum(text.count(w) for w in _NEGATIVE_ZH)
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


class FakeSentiment:
    """Counts a handful of positive and negative words."""

    version = "fake-sentiment-1"

    def predict_proba(self, texts: Sequence[str]):
        import numpy as np

        return np.array([(1 + _score(t)) / 2 for t in texts])

    def analyse_many(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[Analysis]:
        """Routed like the real model: Chinese and other languages read "by the generator"
        (here the same word counts), Chinese aspects from the Chinese lexicon."""
        out = []
        for text, language in zip(texts, languages or [""] * len(texts), strict=True):
            score = _score(text)
            reading = reading_for(language)
            aspects = []
            if language == "zh":
                for aspect, clause in aspect_clauses_zh(text):
                    s = _score(clause)
                    aspects.append(AspectSentiment(aspect, round(s, 3), label_for(s), clause))
            elif reading == READING_ENSEMBLE:
                for aspect, pattern in ASPECT_PATTERNS.items():
                    hits = [s for s in split_sentences(text) if pattern.search(s)]
                    if hits:
                        s = sum(_score(h) for h in hits) / len(hits)
                        aspects.append(AspectSentiment(aspect, round(s, 3), label_for(s), hits[0]))
            out.append(
                Analysis(
                    label_for(score), round(score, 4), round(abs(score), 4), aspects, self.version, reading
                )
            )
        return out

    def analyse(self, text: str, language: str = "") -> Analysis:
        return self.analyse_many([text], [language])[0]
