"""When a review is positive, negative or mixed.

A review's label comes from its score (-1..1) and the scores of its sentences: it is
"mixed" when the score is near zero, or when it is only moderately one-sided while one
sentence clearly praises and another clearly pans. The three numbers of that rule are
fitted (`calibrate_labels`) on labelled sentences of the validation split: clear
positives and negatives, and "mixed" texts made of one positive and one negative
sentence of different reviews. The fitted rule is stored beside the sentiment model
(`labels.json`) and its tag joins the model version, so analyses say which rule gave
their label and a new rule makes `analyse_reviews` label the reviews again.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

RULE_FILE = "labels.json"
LABELS = ("positive", "negative", "mixed")
# At most this many sentences of a review are scored for the "both verdicts" test: a long
# review's first sentences carry its verdicts, and each costs one more model pass.
MAX_SENTENCES = 16


@dataclass(frozen=True)
class LabelRule:
    """The uncalibrated defaults are the rule used before calibration existed."""

    band: float = 0.3  # |score| below this: mixed
    strength: float = 0.5  # a sentence at least this positive and another this negative ...
    split_band: float = 0.6  # ... make a review whose |score| is below this mixed
    fitted_on: str = ""

    def label(self, score: float, sentence_scores: Sequence[float] = ()) -> str:
        if abs(score) < self.band:
            return "mixed"
        if (
            abs(score) < self.split_band
            and sentence_scores
            and max(sentence_scores) >= self.strength
            and min(sentence_scores) <= -self.strength
        ):
            return "mixed"
        return "positive" if score > 0 else "negative"

    @property
    def tag(self) -> str:
        """Short and stable; the default rule has none, so versions before calibration keep
        their names."""
        numbers = (self.band, self.strength, self.split_band)
        if numbers == (LabelRule.band, LabelRule.strength, LabelRule.split_band):
            return ""
        digest = hashlib.sha256("/".join(f"{x:.3f}" for x in numbers).encode())
        return "labels-" + digest.hexdigest()[:6]

    def labels(self, scores: np.ndarray, top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        """`label` for many texts at once, from each text's strongest sentence scores."""
        mixed = (np.abs(scores) < self.band) | (
            (np.abs(scores) < self.split_band) & (top >= self.strength) & (bottom <= -self.strength)
        )
        return np.where(mixed, "mixed", np.where(scores > 0, "positive", "negative"))


def rule_load(model_dir: Path) -> LabelRule:
    """The rule fitted for this model, or the defaults when none was fitted."""
    path = model_dir / RULE_FILE
    if not path.exists():
        return LabelRule()
    data = json.loads(path.read_text())
    return LabelRule(
        band=float(data["band"]),
        strength=float(data["strength"]),
        split_band=float(data["split_band"]),
        fitted_on=str(data.get("fitted_on", "")),
    )


def rule_save(model_dir: Path, rule: LabelRule) -> Path:
    path = model_dir / RULE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(rule), indent=2))
    tmp.replace(path)
    return path


def score_texts(
    predict_proba: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    split: Callable[[str], list[str]],
) -> tuple[list[float], list[list[float]]]:
    """Each text's score and its first sentences' scores, from one model pass over all of them."""
    sentence_lists = [split(t)[:MAX_SENTENCES] for t in texts]
    # A one-sentence text is its own sentence: no second pass for it.
    flat = [s for sentences in sentence_lists if len(sentences) > 1 for s in sentences]
    probs = predict_proba(list(texts) + flat) if texts else np.array([])
    scores = [float(2 * p - 1) for p in probs[: len(texts)]]
    sentence_scores: list[list[float]] = []
    at = len(texts)
    for i, sentences in enumerate(sentence_lists):
        if len(sentences) > 1:
            sentence_scores.append([float(2 * p - 1) for p in probs[at : at + len(sentences)]])
            at += len(sentences)
        else:
            sentence_scores.append([scores[i]])
    return scores, sentence_scores


def mixed_texts(positive: Sequence[str], negative: Sequence[str], *, n: int, seed: int) -> list[str]:
    """`n` texts made of one positive and one negative sentence of different reviews, in either
    order, sometimes joined by "But" as a reviewer would."""
    rng = random.Random(seed)
    pos, neg = list(positive), list(negative)
    out = []
    for _ in range(n):
        a, b = rng.choice(pos).strip(), rng.choice(neg).strip()
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        if not first.endswith((".", "!", "?")):
            first += "."
        if rng.random() < 0.5:
            second = "But " + second[:1].lower() + second[1:]
        out.append(f"{first} {second}")
    return out


def label_accuracy(
    rule: LabelRule,
    scores: Sequence[float],
    sentence_scores: Sequence[Sequence[float]],
    labels: Sequence[str],
) -> dict[str, float]:
    """Accuracy over all texts, recall per true label, and their mean (balanced accuracy)."""
    arrays = _arrays(scores, sentence_scores)
    return _accuracy(rule.labels(*arrays), np.array(labels))


def _arrays(scores: Sequence[float], sentence_scores: Sequence[Sequence[float]]):
    top = np.array([max(ss) if len(ss) else 0.0 for ss in sentence_scores])
    bottom = np.array([min(ss) if len(ss) else 0.0 for ss in sentence_scores])
    return np.asarray(scores, dtype=float), top, bottom


def _accuracy(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    right = predicted == truth
    out = {"accuracy": float(right.mean()) if len(right) else 0.0}
    for label in LABELS:
        mask = truth == label
        out[label] = float(right[mask].mean()) if mask.any() else float("nan")
    out["balanced"] = float(np.nanmean([out[label] for label in LABELS]))
    return out


def fit_rule(
    scores: Sequence[float],
    sentence_scores: Sequence[Sequence[float]],
    labels: Sequence[str],
    *,
    fitted_on: str = "",
) -> LabelRule:
    """The rule with the best balanced accuracy on these texts (ties: the narrower band, so
    fewer clear verdicts are called mixed)."""
    arrays, truth = _arrays(scores, sentence_scores), np.array(labels)
    best: tuple[float, float, LabelRule] | None = None
    for band in np.arange(0.02, 0.62, 0.02):
        for strength in np.arange(0.3, 0.95, 0.05):
            for split_band in np.arange(band, 0.92, 0.04):
                rule = LabelRule(round(band, 3), round(strength, 3), round(split_band, 3), fitted_on)
                balanced = _accuracy(rule.labels(*arrays), truth)["balanced"]
                key = (balanced, -band)
                if best is None or key > best[:2]:
                    best = (balanced, -band, rule)
    assert best is not None
    return best[2]
