"""Blend weights that do not hang on the luck of one seed, and the guard behind them.

A single validation split made the learned blend a lottery: on ml-100k the hybrid ranged
from 0.3646 to 0.3988 NDCG@10 across model seeds on one split, once below EASE alone.
So ``Hybrid`` learns on several folds (each its own seeded validation split, cold users
and base fit) and this module turns the folds' examples into one served blend:

1. Per fold, the weights are learned as before (``learn_fold``: a logistic start, then
   coordinate ascent on NDCG@10; a second logistic blend for thin profiles).
2. The folds' weights, each scaled to a largest weight of 1, are averaged, then pulled
   towards a prior blend (EASE, content, popularity and quality, as a brand-new site
   uses): ``(mean + s * prior) / (1 + s)``. The strength ``s`` is the one of
   ``PRIOR_STRENGTHS`` with the best leave-one-fold-out NDCG@10: the weights learned on
   the other folds, scored on the fold left out.
3. The guard: that held-out NDCG@10 is compared with each single scorer's on the same
   examples (a single scorer learns nothing, so every fold is held out for it). When the
   best single scorer wins, the blend is replaced by it and a warning is logged.

An example is one validation user's (features of pooled candidates, labels, ideal DCG@10,
thin profile?), as ``Hybrid`` builds them; weights are over the plain and thin copies of
the features.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from .learning import coordinate_ascent, fit_logistic

log = logging.getLogger(__name__)

PRIOR_STRENGTHS = (0.0, 0.25, 1.0)
# at least this many thin validation users before they get a blend of their own
THIN_MIN_USERS = 20


@dataclass
class BlendChoice:
    """The served blend and the validation figures behind it."""

    weights: np.ndarray
    thin_weights: np.ndarray
    figures: dict = field(default_factory=dict)


def served_ndcg(examples, weights: np.ndarray, thin_weights: np.ndarray) -> float:
    """Mean NDCG@10 over the examples' users of the blend as served: thin profiles are
    ranked with ``thin_weights``, the others with ``weights``."""
    discounts = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    for x, labels, ideal, thin in examples:
        s = x @ (thin_weights if thin else weights)
        k = min(10, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        total += float((labels[top] * discounts[:k]).sum() / ideal)
    return total / max(1, len(examples))


def learnable(examples) -> bool:
    if not examples:
        return False
    y = np.concatenate([e[1] for e in examples])
    return bool(0 < y.sum() < len(y))


def learn_fold(examples, active: np.ndarray, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """(weights, thin-profile weights) learned on one fold's examples, each scaled to a
    largest weight of 1; columns outside ``active`` stay 0."""
    x = np.vstack([e[0][:, active] for e in examples])
    y = np.concatenate([e[1] for e in examples])
    kept = [(e[0][:, active], *e[1:]) for e in examples]
    weights = np.zeros(2 * n_features, dtype=np.float32)
    weights[active] = coordinate_ascent(kept, fit_logistic(x, y))
    weights = _unit(weights)
    thin = _learn_thin([e for e in examples if e[3]], active, n_features)
    return weights, weights.copy() if thin is None else thin


def _learn_thin(examples, active: np.ndarray, n_features: int) -> np.ndarray | None:
    """A blend for thin profiles learned on those alone, or None when too few.

    A logistic regression on the plain standardised scores (the "thin" copies are nearly
    collinear with them when every profile is thin) and no coordinate ascent: with a few
    hundred thin validation users, ascent on their NDCG fits noise (it lost NDCG on
    held-out cold users on both MovieLens sets).
    """
    if len(examples) < THIN_MIN_USERS or not learnable(examples):
        return None
    plain = active[active < n_features]
    y = np.concatenate([e[1] for e in examples])
    weights = np.zeros(2 * n_features, dtype=np.float32)
    weights[plain] = fit_logistic(np.vstack([e[0][:, plain] for e in examples]), y)
    return _unit(weights)


def _unit(w: np.ndarray) -> np.ndarray:
    return (w / max(1e-9, float(np.abs(w).max()))).astype(np.float32)


def _mean(learned: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.mean([w for w, _ in learned], axis=0).astype(np.float32),
        np.mean([t for _, t in learned], axis=0).astype(np.float32),
    )


def _shrink(pair: tuple[np.ndarray, np.ndarray], prior: np.ndarray, strength: float):
    w, thin = pair
    p = _unit(prior)
    # the thin-profile blend is on plain scores: the prior's thin copies (factor ~1 for a
    # thin profile) fold into their plain columns
    n = len(p) // 2
    p_thin = np.zeros_like(p)
    p_thin[:n] = p[:n] + p[n:]
    p_thin = _unit(p_thin)
    return (w + strength * p) / (1 + strength), (thin + strength * p_thin) / (1 + strength)


def choose_blend(
    folds: list[list],
    learned: list[tuple[np.ndarray, np.ndarray]],
    *,
    prior: np.ndarray,
    names: list[str],
    guard: bool = True,
) -> BlendChoice:
    """The served blend from each fold's examples and learned (weights, thin weights).

    ``names`` names the plain feature columns (the first ``len(names)``), the single
    scorers the guard compares the blend with; without ``guard`` the figures are kept but
    the blend is served even when one of them wins."""
    held_out = len(folds) > 1
    scores = {}
    for strength in PRIOR_STRENGTHS:
        if held_out:
            per_fold = []
            for f, examples in enumerate(folds):
                others = learned[:f] + learned[f + 1 :]
                per_fold.append(served_ndcg(examples, *_shrink(_mean(others), prior, strength)))
        else:  # one fold: nothing is held out, the figures are in-sample (and say so)
            per_fold = [served_ndcg(folds[0], *_shrink(learned[0], prior, strength))]
        scores[strength] = per_fold
    strength = max(PRIOR_STRENGTHS, key=lambda s: (float(np.mean(scores[s])), -s))
    blend_ndcg = float(np.mean(scores[strength]))
    weights, thin_weights = _shrink(_mean(learned), prior, strength)
    single = {}
    for i, name in enumerate(names):
        one = np.zeros(2 * len(names), dtype=np.float32)
        one[i] = 1.0
        if any(e[0][:, i].any() for examples in folds for e in examples):
            single[name] = float(np.mean([served_ndcg(examples, one, one) for examples in folds]))
    best = max(single, key=lambda n: single[n]) if single else None
    figures = {
        "folds": len(folds),
        "held_out": held_out,
        "prior_strength": strength,
        "blend_ndcg10": round(blend_ndcg, 4),
        "fold_ndcg10": [round(v, 4) for v in scores[strength]],
        "best_single": best,
        "best_single_ndcg10": round(single[best], 4) if best else None,
        "fell_back": False,
        "ndcg10": round(blend_ndcg, 4),
    }
    if guard and best is not None and single[best] > blend_ndcg:
        log.warning(
            "hybrid blend lost to %s alone on held-out validation (NDCG@10 %.4f < %.4f): serving %s",
            best,
            blend_ndcg,
            single[best],
            best,
        )
        weights = np.zeros(2 * len(names), dtype=np.float32)
        weights[names.index(best)] = 1.0
        thin_weights = weights.copy()
        figures.update(fell_back=True, ndcg10=figures["best_single_ndcg10"])
    return BlendChoice(weights.astype(np.float32), thin_weights.astype(np.float32), figures)
