"""Sentiment versions on disk (``<cache>/models/sentiment/<version>/`` and a ``current``
pointer), and the model the services use, loaded once per process."""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

from ..registry import models_dir
from .model import SentimentModel


def sentiment_root() -> Path:
    return models_dir() / "sentiment"


def current_version(root: Path | None = None) -> str | None:
    pointer = (root or sentiment_root()) / "current"
    if not pointer.exists():
        return None
    version = pointer.read_text().strip()
    return version if (pointer.parent / version / "meta.json").exists() else None


def sentiment_ready() -> bool:
    """A version reads reviews: the full one, or the quick one of a first start (quick.py)."""
    return current_version() is not None


def is_quick(version: str | None, root: Path | None = None) -> bool:
    """True when `version` is a quick (TF-IDF only) version, waiting for the full one."""
    if not version:
        return False
    try:
        meta = json.loads(((root or sentiment_root()) / version / "meta.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(meta.get("quick"))


def sentiment_final() -> bool:
    """The full version (fine-tuned networks) is current, not the quick one of a first start."""
    version = current_version()
    return version is not None and not is_quick(version)


@functools.lru_cache(maxsize=2)
def load_sentiment(root: Path | None = None) -> SentimentModel:
    """The current sentiment model, loaded once per process."""
    from ..registry import part_loading

    # The cache's own model is checked (and a corrupt one moved aside and trained again).
    guard = part_loading("sentiment") if root is None else contextlib.nullcontext()
    root = root or sentiment_root()
    version = current_version(root)
    if version is None:
        raise FileNotFoundError("no sentiment model trained yet: run `manage.py train_sentiment`")
    with guard:
        return SentimentModel(root / version)


def get_analyser():
    """The sentiment model the services use: the current trained one, or the fake in unit tests."""
    from ..registry import use_fake_models

    if use_fake_models():
        from ..fake import FakeSentiment

        return FakeSentiment()
    return load_sentiment()
