"""Implicit-feedback matrix factorisation (``ImplicitALS``, Hu, Koren & Volinsky 2008)
and its alternating least-squares steps; a new row is folded in, not retrained."""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp


class ImplicitALS:
    """Matrix factorisation R ~ U V' for implicit feedback (Hu, Koren, Volinsky 2008).

    Confidence ``1 + alpha * r`` on rated cells, zero preference elsewhere. ``fold_in``
    solves one user's vector from their row with the item factors fixed, exactly the
    user half-step of training, so a new rating updates a user in milliseconds.
    """

    name = "ALS"

    def __init__(
        self,
        *,
        factors: int = 64,
        l2: float = 0.1,
        alpha: float = 2.0,
        iterations: int = 12,
        seed: int = 0,
        rating_confidence: bool = False,
    ):
        self.factors = factors
        self.l2 = l2
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed
        self.rating_confidence = rating_confidence

    def _confidence(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        c = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
        c.data = self.alpha * (c.data if self.rating_confidence else np.ones_like(c.data))
        return c

    def fit(self, train: sp.csr_matrix, progress=None) -> ImplicitALS:
        rng = np.random.default_rng(self.seed)
        conf = self._confidence(train)
        conf_t = conf.T.tocsr()
        n_users, n_items = conf.shape
        self.user_factors = (rng.standard_normal((n_users, self.factors)) * 0.01).astype(np.float32)
        self.item_factors = (rng.standard_normal((n_items, self.factors)) * 0.01).astype(np.float32)
        for _ in range(self.iterations):
            self.user_factors = _als_step(conf, self.item_factors, self.l2)
            self.item_factors = _als_step(conf_t, self.user_factors, self.l2)
            if progress is not None:
                progress()
        return self

    def fold_in(self, rows: sp.csr_matrix) -> np.ndarray:
        gram = getattr(self, "_gram", None)
        if gram is None or gram[0] is not self.item_factors:
            # Y'Y + lI is the same for every user: compute it once per set of item factors.
            f = self.item_factors.astype(np.float64)
            self._gram = gram = (self.item_factors, f, f.T @ f + self.l2 * np.eye(f.shape[1]))
        conf = sp.csr_matrix(self._confidence(sp.csr_matrix(rows)), dtype=np.float64)
        if conf.shape[0] <= 32:
            return _als_rows(conf, gram[1], gram[2])
        return _als_step(conf, self.item_factors, self.l2)

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return self.fold_in(rows) @ self.item_factors.T


def _batched_gram(
    weights: sp.csr_matrix, fixed: np.ndarray, base: np.ndarray, chunk: int = 1024
) -> np.ndarray:
    """For every row u: base + sum_i weights[u, i] * outer(fixed[i], fixed[i]), as (n, k, k).

    One sparse x dense product against the items' flattened outer products replaces a
    Python loop of small matrix products (tens of times faster on 2 cores).
    """
    k = fixed.shape[1]
    weights = sp.csc_matrix(weights)
    out = np.zeros((weights.shape[0], k * k))
    for start in range(0, fixed.shape[0], chunk):  # bounded memory for big catalogues
        part = fixed[start : start + chunk]
        outer = np.einsum("ij,ik->ijk", part, part).reshape(len(part), k * k)
        out += weights[:, start : start + chunk] @ outer
    out = out.reshape(-1, k, k)
    out += base[None, :, :]
    return out


def _als_step(conf: sp.csr_matrix, fixed: np.ndarray, l2: float) -> np.ndarray:
    """Solve every row's factors given the other side (confidence-weighted least squares)."""
    k = fixed.shape[1]
    fixed64 = fixed.astype(np.float64)
    gram = fixed64.T @ fixed64 + l2 * np.eye(k)
    conf = sp.csr_matrix(conf, dtype=np.float64)
    if conf.shape[0] <= 32:
        return _als_rows(conf, fixed64, gram)
    a = _batched_gram(conf, fixed64, gram)
    pref = conf.copy()
    pref.data = 1.0 + pref.data
    b = np.asarray(pref @ fixed64)
    empty = np.diff(conf.indptr) == 0
    out = np.linalg.solve(a, b[:, :, None])[:, :, 0]
    out[empty] = 0.0
    return out.astype(np.float32)


def _als_rows(conf: sp.csr_matrix, fixed: np.ndarray, gram: np.ndarray) -> np.ndarray:
    """The same solve row by row: fastest for the few rows of a serving-time fold-in."""
    out = np.zeros((conf.shape[0], fixed.shape[1]), dtype=np.float32)
    for u in range(conf.shape[0]):
        start, end = conf.indptr[u], conf.indptr[u + 1]
        if start == end:
            continue
        f = fixed[conf.indices[start:end]]
        c = conf.data[start:end]
        out[u] = sla.solve(gram + (f.T * c) @ f, f.T @ (1.0 + c), assume_a="pos", check_finite=False)
    return out
