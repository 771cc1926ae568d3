"""Reviews not written in English: read by the generator, with aspects in their own words.

The fine-tuned MiniLMs and the TF-IDF model learned English: a Chinese review gives them no
word they know, and their "probability" is the prior. The generator (Qwen2.5) reads Chinese,
French, Spanish... so a review in another language is read by the generator as a judge
(`judge.py`, the same question and answer tokens as for English snippets), on the whole text
and on each of its sentences, and the label rule is applied to those scores as for English.
The analysis says which reading it got (``Analysis.reading``).

The judge's log-odds are made a probability by a scale and a bias fitted per generator on a
labelled Chinese set (`bench_chinese_sentiment --save`, stored in ``zh_calibration.json``);
without a fit for the configured generator, the English snippets' fit of the sentiment
version is used, and without that the raw log-odds.

Aspects: Chinese clauses (split at 。！？；，) are matched against the Chinese lexicon
(`lexicon.ASPECTS_ZH`); each matching clause is judged on its own, so "剧情拖沓，但演员的表演
很出色" gives story negative and acting positive. Other languages get no aspects (there is
no lexicon for them yet), and say so by their reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..lexicon import ASPECTS_ZH
from .network import sigmoid
from .text import flat_index

# Languages the English models read; everything else goes to the generator. "und" (too
# short or mixed to tell) stays with the English models, which is what it mostly is.
ENGLISH_READ = frozenset({"en", "und", ""})
ASPECT_LANGUAGES = frozenset({"zh"})
READING_ENSEMBLE = "ensemble"
CALIBRATION_FILE = Path(__file__).with_name("zh_calibration.json")

_ZH_SENTENCE = re.compile(r"(?<=[。！？!?；;…])|\n+")
_ZH_CLAUSE = re.compile(r"[。！？!?；;…，,、\n]+")
ASPECT_PATTERNS_ZH = {
    name: re.compile("|".join(re.escape(w) for w in words)) for name, words in ASPECTS_ZH.items()
}


def reading_for(language: str) -> str:
    """How a text in `language` is read: "ensemble" (the English models) or "generator:<lang>"."""
    return READING_ENSEMBLE if (language or "") in ENGLISH_READ else f"generator:{language}"


def split_sentences_any(text: str) -> list[str]:
    """Sentences of a text in any script: Chinese full stops have no space after them."""
    parts = [re.sub(r"\s+", " ", p).strip() for p in _ZH_SENTENCE.split(text or "")]
    out: list[str] = []
    for part in parts:
        # Latin-script sentences inside ("Great film. Really.") split as in English
        out.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[\"'A-Z0-9(])", part) if len(s.strip()) > 1)
    return [s.strip() for s in out if s.strip()]


def aspect_clauses_zh(text: str) -> list[tuple[str, str]]:
    """(aspect, clause) for each clause of a Chinese text that names an aspect."""
    hits = []
    for clause in (c.strip() for c in _ZH_CLAUSE.split(text or "")):
        if not clause:
            continue
        for aspect, pattern in ASPECT_PATTERNS_ZH.items():
            if pattern.search(clause):
                hits.append((aspect, clause))
    return hits


def load_calibration(generator_version: str, path: Path = CALIBRATION_FILE) -> dict | None:
    """The fitted {"a", "b"} for this generator's judge on Chinese, or None."""
    if not path.exists():
        return None
    return json.loads(path.read_text()).get(generator_version)


def save_calibration(generator_version: str, fit: dict, path: Path = CALIBRATION_FILE) -> Path:
    data = json.loads(path.read_text()) if path.exists() else {}
    data[generator_version] = fit
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def fit_scale(
    margins: np.ndarray, labels: np.ndarray, *, bias: bool = False, l2: float = 1e-2
) -> dict[str, float]:
    """Platt scaling: a (and b if `bias`) minimising the log loss of sigmoid(a * margin + b),
    by Newton steps. Without `bias`, b stays 0: the judge's zero is its undecided point, and
    measured on translated sentences a bias fitted on 60 of them moved the held-out sign
    accuracy from 0.840 (raw log-odds) to 0.810, so only the slope (how sure) is fitted."""
    a, b = 1.0, 0.0
    x, y = np.asarray(margins, float), np.asarray(labels, float)
    for _ in range(50):
        p = sigmoid(a * x + b)
        w = p * (1 - p)
        if bias:
            grad = np.array([np.sum((p - y) * x) + l2 * a, np.sum(p - y)])
            hess = np.array([[np.sum(w * x * x) + l2, np.sum(w * x)], [np.sum(w * x), np.sum(w) + 1e-9]])
            step = np.linalg.solve(hess, grad)
        else:
            step = np.array([(np.sum((p - y) * x) + l2 * a) / (np.sum(w * x * x) + l2), 0.0])
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-6:
            break
    return {"a": round(float(a), 4), "b": round(float(b), 4)}


class GeneratorReader:
    """P(positive) of texts in any language from the generator's log-odds, calibrated."""

    def __init__(self, margins: Callable[[Sequence[str]], np.ndarray], scale: dict | None) -> None:
        self._margins = margins
        self.scale = scale or {"a": 1.0, "b": 0.0}

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return sigmoid(self.scale["a"] * self._margins(list(texts)) + self.scale["b"])

    def read(self, texts: Sequence[str], languages: Sequence[str], max_sentences: int):
        """Per text: (P(positive) of the text, the scores -1..1 of its first sentences, and
        [(aspect, score -1..1, clause)]), with one model pass over everything."""
        flat: list[str] = []
        at: dict[str, int] = {}

        def index(s: str) -> int:
            return flat_index(flat, at, s)

        plans = []
        for text, language in zip(texts, languages, strict=True):
            doc = index(text.strip() or ".")
            sentences = [index(s) for s in split_sentences_any(text)[:max_sentences]]
            aspects = (
                [(aspect, index(clause)) for aspect, clause in aspect_clauses_zh(text)]
                if language in ASPECT_LANGUAGES
                else []
            )
            plans.append((doc, sentences, aspects))
        p = self.proba(flat)
        out = []
        for doc, sentences, aspects in plans:
            sentence_scores = [float(2 * p[j] - 1) for j in sentences] if len(sentences) > 1 else []
            # A long text is cut at the judge's window: its sentences' mean reads all of it.
            doc_p = float(p[doc]) if len(sentences) <= 3 else float(np.mean([p[j] for j in sentences]))
            out.append((doc_p, sentence_scores, [(a, float(2 * p[j] - 1), flat[j]) for a, j in aspects]))
        return out
