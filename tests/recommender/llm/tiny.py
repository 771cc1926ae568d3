"""A throw-away model cache holding a tiny but real fine-tuned MiniLM sentiment model.

Wheels, data files and the extracted MiniLM are linked from the real cache, so
nothing is downloaded twice; only the tiny training (seconds) happens per test session.
"""

from __future__ import annotations

from pathlib import Path

from community.core.wheels import cache_dir


def tiny_config():
    from recommender.llm.sentiment import TrainConfig

    return TrainConfig(
        imdb_train=24,
        short_epochs=1,
        long_max_length=32,
        short_max_length=32,
        eval_max_length=48,
        sample=24,
        use_extra_snippets=False,
        val_long_limit=16,
    )


def link_cache(root: Path) -> Path:
    """An empty model cache that shares the real cache's downloaded wheels and data files."""
    real = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    for name in ("wheels", "data"):
        link = root / name
        if not link.exists():
            (real / name).mkdir(parents=True, exist_ok=True)
            link.symlink_to(real / name)
    (root / "models").mkdir(exist_ok=True)
    return root


def make_tiny_cache(root: Path) -> Path:
    """Return a cache folder with a current tiny sentiment model (trained on first call)."""
    link_cache(root)
    models = root / "models"
    if (models / "sentiment" / "current").exists():
        return root
    from django.test import override_settings

    from recommender.llm import sentiment

    with override_settings(CACHE_DIR=root):
        sentiment.train_sentiment(config=tiny_config())
    sentiment.load_sentiment.cache_clear()
    return root
