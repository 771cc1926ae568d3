"""Review sentiment: a fine-tuned MiniLM averaged with a TF-IDF model, plus aspects.

Text in, numbers out; no Django here. Training writes one folder per model version
into the cache (`<cache>/models/sentiment/<version>/`) and points `current` at it;
`load_sentiment()` loads the current one once per process.

Why an ensemble: on the labelled reviews the fine-tuned MiniLM and the TF-IDF model
make different mistakes (the transformer reads short snippets better, TF-IDF sees the
whole of a long review), so averaging their calibrated probabilities beats either.
The weights are picked on a validation split, separately for short and long texts.
Short texts also get the generator's zero-shot reading (judge.py) when the version was
combined with it: the best single reader of one-sentence critic snippets found here.

The package, by concern: ``text`` (cleaning, sentences, aspects), ``data`` (the labelled
reviews and their split), ``network`` (the fine-tuned MiniLM and its calibration),
``training`` (one version), ``ensemble`` (versions combined), ``model`` (a loaded version
and its ``Analysis``), ``store`` (versions on disk and the process's loaded model).
"""

from __future__ import annotations

from ..lexicon import ASPECTS
from .data import SPLIT_SEED, accuracy, extra_snippets, load_labelled, split_labelled
from .ensemble import combine_versions
from .model import Analysis, AspectSentiment, Components, SentimentModel, judge_usable
from .quick import QUICK_PREFIX, train_quick
from .store import (
    current_version,
    get_analyser,
    is_quick,
    load_sentiment,
    sentiment_final,
    sentiment_ready,
    sentiment_root,
)
from .text import LABELS, SHORT_WORDS, clean_text, split_sentences
from .training import TrainConfig, TrainResult, train_baseline, train_sentiment

__all__ = [
    "QUICK_PREFIX",
    "ASPECTS",
    "LABELS",
    "SHORT_WORDS",
    "SPLIT_SEED",
    "Analysis",
    "AspectSentiment",
    "Components",
    "SentimentModel",
    "TrainConfig",
    "TrainResult",
    "accuracy",
    "clean_text",
    "combine_versions",
    "current_version",
    "extra_snippets",
    "get_analyser",
    "is_quick",
    "judge_usable",
    "load_labelled",
    "load_sentiment",
    "sentiment_final",
    "sentiment_ready",
    "sentiment_root",
    "split_labelled",
    "split_sentences",
    "train_baseline",
    "train_quick",
    "train_sentiment",
]
