"""Review text as the sentiment model reads it: cleaned, cut into sentences, sorted into
short and long, and the aspect words each sentence mentions."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..lexicon import ASPECTS

SHORT_WORDS = 60  # texts up to this many words use the "short" ensemble weights


LABELS = ("negative", "positive")


ASPECT_PATTERNS = {
    name: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for name, words in ASPECTS.items()
}


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9(])|\n{2,}")


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", _BR.sub(" ", text or "")).strip()


def split_sentences(text: str) -> list[str]:
    text = _BR.sub("\n\n", text or "")
    parts = [re.sub(r"\s+", " ", p).strip() for p in _SENTENCE_SPLIT.split(text)]
    return [p for p in parts if len(p) > 2]


def bucket_of(texts: Sequence[str]) -> np.ndarray:
    return np.array(["short" if len(t.split()) <= SHORT_WORDS else "long" for t in texts])


def label_for(score: float, spread: bool = False) -> str:
    if spread or abs(score) < 0.3:
        return "mixed"
    return "positive" if score > 0 else "negative"


def flat_index(flat: list[str], at: dict[str, int], sentence: str) -> int:
    """Where `sentence` sits in `flat` (one model pass scores them all), appending it the first time."""
    if sentence not in at:
        at[sentence] = len(flat)
        flat.append(sentence)
    return at[sentence]
