"""Learning the blend's weights on validation examples: a logistic regression for the
starting point, then coordinate ascent on validation NDCG@10 (Metzler & Croft 2007).

An example is one validation user's (features of pooled candidates, labels, ideal DCG@10,
thin profile?), as ``Hybrid`` builds them.
"""

from __future__ import annotations

import numpy as np


def validation_ndcg(examples, w: np.ndarray) -> float:
    """Mean validation NDCG@10 of the blend ``w`` over the examples' users."""
    discounts = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    for x, labels, ideal, _thin in examples:
        s = x @ w
        k = min(10, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        total += float((labels[top] * discounts[:k]).sum() / ideal)
    return total / max(1, len(examples))


def coordinate_ascent(examples, start: np.ndarray, *, passes: int = 3) -> np.ndarray:
    """Tune the weights one at a time to maximise validation NDCG@10 (Metzler & Croft 2007)."""
    w = start / max(1e-9, np.abs(start).max())
    best = validation_ndcg(examples, w)
    for _ in range(passes):
        improved = False
        for f in range(len(w)):
            for step in (-0.5, -0.2, -0.05, 0.05, 0.2, 0.5):
                trial = w.copy()
                trial[f] += step
                value = validation_ndcg(examples, trial)
                if value > best + 1e-5:
                    best, w, improved = value, trial, True
        if not improved:
            break
    return w.astype(np.float32)


def fit_logistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=500)
    model.fit(x, y)
    return model.coef_.ravel().astype(np.float32)
