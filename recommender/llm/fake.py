"""Scripted stand-ins for the models, selected with LLM_BACKEND=fake (unit tests only).

They follow the same interfaces as the real ones so services and tasks can be tested
in milliseconds; every feature also has a test with the real packaged model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .generation import FakeBackend
from .sentiment.model import Analysis, AspectSentiment
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


def _score(text: str) -> float:
    words = re.findall(r"[a-z]+", text.lower())
    pos = sum(w in _POSITIVE for w in words)
    neg = sum(w in _NEGATIVE for w in words)
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


class FakeSentiment:
    """Counts a handful of positive and negative words."""

    version = "fake-sentiment-1"

    def predict_proba(self, texts: Sequence[str]):
        import numpy as np

        return np.array([(1 + _score(t)) / 2 for t in texts])

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        out = []
        for text in texts:
            score = _score(text)
            aspects = []
            for aspect, pattern in ASPECT_PATTERNS.items():
                hits = [s for s in split_sentences(text) if pattern.search(s)]
                if hits:
                    s = sum(_score(h) for h in hits) / len(hits)
                    aspects.append(AspectSentiment(aspect, round(s, 3), label_for(s), hits[0]))
            out.append(
                Analysis(label_for(score), round(score, 4), round(abs(score), 4), aspects, self.version)
            )
        return out

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]
