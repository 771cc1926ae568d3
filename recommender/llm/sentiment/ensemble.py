"""Combining trained versions into one: their networks, two TF-IDF models and optionally the
generator's zero-shot vote, weighed on short validation texts."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .data import (
    SPLIT_SEED,
    extra_snippets,
    load_labelled,
    split_labelled,
)
from .network import Member, fit_platt, sigmoid
from .store import load_sentiment, sentiment_root
from .text import bucket_of
from .training import counting


def train_tfidf_short(texts: Sequence[str], labels: Sequence[int]):
    """Word and character n-grams: short snippets have few words, so sub-word cues help."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, strip_accents="unicode"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    model = make_pipeline(features, LogisticRegression(C=4.0, max_iter=2000, solver="liblinear"))
    model.fit(list(texts), list(labels))
    return model


def _compositions(k: int, total: int) -> list[list[int]]:
    if k == 1:
        return [[total]]
    return [[first, *rest] for first in range(total + 1) for rest in _compositions(k - 1, total - first)]


def _simplex(k: int, steps: int) -> np.ndarray:
    """Every weight vector of k non-negative multiples of 1/steps summing to 1."""
    return np.array(_compositions(k, steps), dtype=np.float64) / steps


def _best_weights(matrix: np.ndarray, labels: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, float]:
    """The grid row with the best accuracy, preferring even weights on ties."""
    acc = (((matrix @ grid.T) >= 0.5) == labels[:, None]).mean(axis=0)
    best = np.flatnonzero(acc >= acc.max() - 1e-9)
    return grid[best[np.argmin((grid[best] ** 2).sum(axis=1))]], float(acc.max())


def combine_versions(
    versions: Sequence[str],
    *,
    root: Path | None = None,
    make_current: bool = True,
    csv_path: Path | None = None,
    judge: Any = None,
    progress: Callable[[str, int, int], Any] | None = None,
) -> str:
    """Combine trained versions into one: their networks and two TF-IDF models, averaged.

    Short texts get weights for every network, the TF-IDF model of the first version
    and a short-text TF-IDF model trained here; long texts keep the first version's own
    weights (one network on long reviews is where the CPU time goes). Weights are
    picked on the validation split, preferring even weights on ties.

    With a `judge` (judge.SentimentJudge: the generator read zero-shot), short texts get
    its calibrated vote too, and a second set of weights without it is kept for
    processes that run without the generator (SENTIMENT_JUDGE=off).
    """
    import joblib
    import pandas as pd

    root = root or sentiment_root()
    df = load_labelled(csv_path)
    train, val, _test = split_labelled(df)
    val_short = val[bucket_of(list(val.text)) == "short"]
    texts, labels = list(val_short.text), val_short.label.to_numpy()
    members = [Member(root / v) for v in versions]
    columns = [m.proba(texts, "short") for m in members]
    primary_tfidf = joblib.load(root / versions[0] / "tfidf.joblib")
    columns.append(primary_tfidf.predict_proba(texts)[:, 1])
    short_train = train[bucket_of(list(train.text)) == "short"]
    extra = extra_snippets(df.text[df.source != "imdb"])
    short_train = pd.concat([short_train, extra], ignore_index=True)
    tfidf_short = train_tfidf_short(list(short_train.text), list(short_train.label))
    columns.append(tfidf_short.predict_proba(texts)[:, 1])
    k = len(columns)
    judge_meta: dict[str, Any] | None = None
    if judge is not None:
        margins = judge.margins(texts, progress=counting(progress, "judge (validation)", len(texts)))
        a, b = fit_platt(margins, labels)
        columns.append(sigmoid(a * margins + b))
        judge_meta = {
            "model_version": judge.version,
            "a": a,
            "b": b,
            "val_accuracy": float(((columns[-1] >= 0.5) == labels).mean()),
        }
    matrix = np.vstack(columns).T  # (n, k or k + 1)
    grid = _simplex(matrix.shape[1], 20)
    chosen, best_acc = _best_weights(matrix, labels, grid)
    single = {
        f"{m.version}": float(((c >= 0.5) == labels).mean()) for m, c in zip(members, columns, strict=False)
    }

    primary_long = json.loads((root / versions[0] / "meta.json").read_text())["calibration"]["long"]["w"]
    long_weights = {
        "nn": [primary_long] + [0.0] * (len(members) - 1),
        "tfidf": 1 - primary_long,
        "tfidf_short": 0.0,
    }

    def _short(row: np.ndarray) -> dict[str, Any]:
        out: dict[str, Any] = {
            "nn": [float(w) for w in row[: len(members)]],
            "tfidf": float(row[k - 2]),
            "tfidf_short": float(row[k - 1]),
        }
        if len(row) > k:
            out["judge"] = float(row[k])
        return out

    weights = {"short": _short(chosen), "long": long_weights}
    without: dict[str, Any] | None = None
    if judge_meta is not None:
        row, acc_without = _best_weights(matrix[:, :k], labels, _simplex(k, 20))
        without = {"short": _short(row), "long": long_weights}
        judge_meta["val_ensemble_without"] = acc_without
    digest = hashlib.sha256(
        json.dumps([list(versions), weights, judge_meta], sort_keys=True).encode()
    ).hexdigest()[:8]
    version = f"minilm-sentiment-ensemble-{time.strftime('%Y%m%d%H%M%S')}-{digest}"
    tmp = root / (version + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    joblib.dump(tfidf_short, tmp / "tfidf_short.joblib")
    meta = {
        "version": version,
        "members": list(versions),
        "weights": weights,
        "config": {"eval_max_length": members[0].eval_max_length},
        "val": {
            "short": {
                "n": len(texts),
                "ensemble": best_acc,
                "members": single,
                "tfidf": float(((columns[k - 2] >= 0.5) == labels).mean()),
                "tfidf_short": float(((columns[k - 1] >= 0.5) == labels).mean()),
            }
        },
        "split_seed": SPLIT_SEED,
    }
    if judge_meta is not None:
        meta["judge"] = judge_meta
        meta["weights_without_judge"] = without
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    tmp.rename(root / version)
    if make_current:
        (root / "current").write_text(version)
        load_sentiment.cache_clear()
    return version
