"""The offline protocol: same split, same candidates, same metrics for every method.

Top-N: per user a seeded random 20% of ratings is held out; relevant = held-out items
rated >= 4; every item the user has not rated in training is a candidate; users with
no relevant held-out item are skipped. Cold start: a seeded share of users keep only 5
training ratings (everyone else is unchanged) and only those users are scored.
Rating prediction: seeded 5-fold cross-validation over all ratings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

K = 10
RELEVANT_AT = 4.0


@dataclass
class TopNResult:
    method: str
    ndcg: float
    recall: float
    precision: float
    hit_rate: float
    coverage: float
    train_seconds: float
    users: int
    cpu_seconds: float = 0.0
    # mean over users of the mean pairwise genre distance (1 - Jaccard) in their top k
    diversity: float = float("nan")

    def row(self) -> list[str]:
        return [
            self.method,
            f"{self.ndcg:.4f}",
            f"{self.recall:.4f}",
            f"{self.precision:.4f}",
            f"{self.hit_rate:.4f}",
            f"{self.coverage:.3f}",
            f"{self.diversity:.3f}",
            f"{self.train_seconds:.1f}",
            f"{self.cpu_seconds:.1f}",
            str(self.users),
        ]


def top_k(scores: np.ndarray, k: int = K) -> np.ndarray:
    """Indices of the k best scores of each row, best first."""
    part = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def evaluate_top_n(
    model,
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    *,
    users: Iterable[int] | None = None,
    k: int = K,
    batch: int = 256,
    train_seconds: float = 0.0,
    cpu_seconds: float = 0.0,
    genres: list[list[str]] | None = None,
) -> TopNResult:
    """Score a fitted ``model`` (anything with ``score(rows)``) on held-out relevant items;
    with each item's ``genres``, also the intra-list diversity of the top k."""
    train = sp.csr_matrix(train)
    test = sp.csr_matrix(test)
    candidates = np.asarray(list(users) if users is not None else range(train.shape[0]))
    relevant = [test[u].indices[test[u].data >= RELEVANT_AT] for u in candidates]
    keep = np.array([len(r) > 0 for r in relevant])
    candidates = candidates[keep]
    relevant = [r for r, kept in zip(relevant, keep, strict=True) if kept]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ndcg, recall, precision, hits, spread = [], [], [], [], []
    recommended: set[int] = set()
    genre_matrix = None if genres is None else genre_hot(genres)
    for start in range(0, len(candidates), batch):
        users_b = candidates[start : start + batch]
        rows = train[users_b]
        scores = np.array(model.score(rows), dtype=np.float32, copy=True)
        scores[rows.nonzero()] = -np.inf
        best = top_k(scores, k)
        for j, items in enumerate(best):
            rel = relevant[start + j]
            hit = np.isin(items, rel)
            ideal = discounts[: min(len(rel), k)].sum()
            ndcg.append(float((hit * discounts).sum() / ideal))
            recall.append(hit.sum() / min(len(rel), k))
            precision.append(hit.sum() / k)
            hits.append(float(hit.any()))
            recommended.update(items.tolist())
            if genre_matrix is not None:
                spread.append(intra_list_distance(genre_matrix[items]))
    return TopNResult(
        method=getattr(model, "name", type(model).__name__),
        ndcg=float(np.mean(ndcg)),
        recall=float(np.mean(recall)),
        precision=float(np.mean(precision)),
        hit_rate=float(np.mean(hits)),
        coverage=len(recommended) / train.shape[1],
        train_seconds=train_seconds,
        cpu_seconds=cpu_seconds,
        users=len(candidates),
        diversity=float(np.mean(spread)) if spread else float("nan"),
    )


def genre_hot(genres: list[list[str]]) -> np.ndarray:
    """(items, genres) 0/1 matrix of each item's genres."""
    names = sorted({g for item in genres for g in item})
    index = {g: i for i, g in enumerate(names)}
    hot = np.zeros((len(genres), max(1, len(names))), dtype=np.float32)
    for i, item in enumerate(genres):
        hot[i, [index[g] for g in item]] = 1.0
    return hot


def intra_list_distance(hot: np.ndarray) -> float:
    """Mean over the list's pairs of 1 - Jaccard similarity of their genres (0: all alike,
    1: no pair shares a genre); a pair where neither item has a genre counts as alike."""
    n = len(hot)
    if n < 2:
        return 0.0
    shared = hot @ hot.T
    sizes = hot.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    similar = np.where(union > 0, shared / np.maximum(union, 1e-9), 1.0)
    upper = np.triu_indices(n, k=1)
    return float(1.0 - similar[upper].mean())


def fit_timed(make: Callable[[], Any], train: sp.csr_matrix):
    """(fitted model, wall seconds, CPU seconds of this process across its threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    model = make().fit(train)
    return model, time.perf_counter() - start, time.process_time() - cpu


def rating_cv(make: Callable[[], Any], matrix: sp.csr_matrix, *, folds: int = 5, seed: int = 0):
    """(RMSE, MAE, seconds) of a rating predictor, averaged over seeded k folds."""
    from .data import kfold_triples

    rmses, maes = [], []
    start = time.perf_counter()
    for train, test in kfold_triples(matrix, folds=folds, seed=seed):
        model = make().fit(train)
        coo = test.tocoo()
        err = model.predict(coo.row, coo.col) - coo.data
        rmses.append(float(np.sqrt(np.mean(err**2))))
        maes.append(float(np.mean(np.abs(err))))
    return float(np.mean(rmses)), float(np.mean(maes)), time.perf_counter() - start


def surprise_svd_cv(matrix: sp.csr_matrix, *, folds: int = 5, seed: int = 0):
    """scikit-surprise's SVD on exactly the same folds; None when the package is missing."""
    try:
        from surprise import SVD, Dataset, Reader
    except ImportError:
        return None
    import pandas as pd

    from .data import kfold_triples

    rmses, maes = [], []
    start = time.perf_counter()
    reader = Reader(rating_scale=(1, 5))
    for train, test in kfold_triples(matrix, folds=folds, seed=seed):
        tr = train.tocoo()
        frame = pd.DataFrame({"u": tr.row, "i": tr.col, "r": tr.data})
        trainset = Dataset.load_from_df(frame, reader).build_full_trainset()
        algo = SVD(random_state=seed)
        algo.fit(trainset)
        te = test.tocoo()
        pred = np.array(
            [algo.predict(u, i).est for u, i in zip(te.row.tolist(), te.col.tolist(), strict=True)]
        )
        err = pred - te.data
        rmses.append(float(np.sqrt(np.mean(err**2))))
        maes.append(float(np.mean(np.abs(err))))
    return float(np.mean(rmses)), float(np.mean(maes)), time.perf_counter() - start


def format_table(title: str, results: list[TopNResult]) -> str:
    header = [
        "method",
        "NDCG@10",
        "Recall@10",
        "Prec@10",
        "HR@10",
        "coverage",
        "ILD@10",
        "train s",
        "cpu s",
        "users",
    ]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [title]
    for n, r in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
