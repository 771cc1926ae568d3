"""The quick sentiment version of a first start: TF-IDF models only, trained in under a minute.

The full version fine-tunes two MiniLMs and takes half an hour or more on two cores. Until it
is there, reviews are read by this one, so a first start has analyses within minutes; the full
version replaces it as `current` when its training ends and the backfill reads every review
again (analyses record their model version, so the quick readings are found and redone).

A quick version is a folder like any other (``meta.json`` with ``"quick": true``, no members,
``tfidf.joblib`` for every text and ``tfidf_short.joblib`` for short ones), loaded by
``SentimentModel`` with the networks' weight at zero.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .data import SPLIT_SEED, extra_snippets, load_labelled, split_labelled
from .store import is_quick, load_sentiment, sentiment_root
from .text import bucket_of

QUICK_PREFIX = "quick-tfidf-"
__all__ = ["QUICK_PREFIX", "is_quick", "train_quick"]


def _best_weight(p_all: np.ndarray, p_short: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The weight of the all-texts model against the short-texts one, picked on validation."""
    best_w, best_acc = 1.0, -1.0
    for w in np.linspace(0, 1, 11):
        acc = float((((w * p_all + (1 - w) * p_short) >= 0.5) == y).mean())
        if acc > best_acc + 1e-9:
            best_w, best_acc = float(w), acc
    return best_w, best_acc


def train_quick(
    *,
    out_root: Path | None = None,
    make_current: bool = True,
    csv_path: Path | None = None,
    sample: int = 0,
    progress: Callable[[str, int, int], Any] | None = None,
) -> str:
    """Fit the quick version on the training split, weigh it on validation, save it; returns
    its version. `make_current` points `current` at it (callers only do so when there is no
    version yet: a quick version never replaces a full one)."""
    import joblib
    import pandas as pd

    from .training import _sample, train_tfidf

    started = time.monotonic()
    df = load_labelled(csv_path)
    train, val, _test = split_labelled(df)
    train, val = _sample(train, sample, 0), _sample(val, sample, 0)
    extra = extra_snippets(df.text[df.source != "imdb"])
    if sample:
        extra = extra.sample(min(len(extra), sample), random_state=0)
    if progress:
        progress("quick TF-IDF", 0, 2)
    texts = list(train.text) + list(extra.text)
    labels = list(train.label) + list(extra.label)
    tfidf = train_tfidf(texts, labels)
    if progress:
        progress("quick TF-IDF", 1, 2)
    short = pd.concat([train[train.source != "imdb"], extra], ignore_index=True)
    tfidf_short = train_tfidf(list(short.text), list(short.label))
    if progress:
        progress("quick TF-IDF", 2, 2)

    vt, vy = list(val.text), val.label.to_numpy()
    buckets = bucket_of(vt)
    p_all = tfidf.predict_proba(vt)[:, 1]
    p_short = tfidf_short.predict_proba(vt)[:, 1]
    weights: dict[str, dict[str, Any]] = {"long": {"nn": [], "tfidf": 1.0, "tfidf_short": 0.0}}
    val_report: dict[str, Any] = {}
    short_sel = buckets == "short"
    w = 1.0
    if short_sel.any():
        w, acc = _best_weight(p_all[short_sel], p_short[short_sel], vy[short_sel])
        val_report["short"] = {"n": int(short_sel.sum()), "ensemble": acc}
    weights["short"] = {"nn": [], "tfidf": w, "tfidf_short": round(1 - w, 3)}
    long_sel = ~short_sel
    if long_sel.any():
        val_report["long"] = {
            "n": int(long_sel.sum()),
            "ensemble": float(((p_all[long_sel] >= 0.5) == vy[long_sel]).mean()),
        }

    version = QUICK_PREFIX + time.strftime("%Y%m%d%H%M%S")
    root = out_root or sentiment_root()
    path, tmp = root / version, root / (version + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    joblib.dump(tfidf, tmp / "tfidf.joblib")
    joblib.dump(tfidf_short, tmp / "tfidf_short.joblib")
    meta = {
        "version": version,
        "quick": True,
        "members": [],
        "weights": weights,
        "val": val_report,
        "n_train": len(texts),
        "split_seed": SPLIT_SEED,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    tmp.rename(path)
    if make_current:
        (root / "current").write_text(version)
        load_sentiment.cache_clear()
    return version
