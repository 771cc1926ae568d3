"""Collaborative filtering on sparse user x item matrices.

Every top-N model follows one small protocol so the evaluation treats them alike:
``fit(train)`` learns from a csr rating matrix, and ``score(rows)`` returns a dense
(n_rows x n_items) array of scores for any users given as csr rows of the same item
space. Scoring from rows (rather than user indices) is what makes fold-in possible: a
user who rated something a second ago is scored the same way as a training user.

Top-N models read the implicit "rated it" signal (``data.binarize``); the rating
predictor ``BiasedMF`` reads the ratings themselves.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .data import binarize

_blas_controller = None


def one_blas_thread():
    """A context that limits BLAS to one thread: for loops of small products and solves.

    Splitting a 100 x 100 solve across OpenBLAS threads only adds synchronisation; on
    a busy 2-core machine it made one user's recommendation 2x and a BiasedMF fit up to
    8x slower. The controller is built once; entering the limit costs ~20 us.
    """
    global _blas_controller
    if _blas_controller is None:
        from threadpoolctl import ThreadpoolController

        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")


class Popularity:
    """Number of users who rated each item; the same list for everyone."""

    name = "Popularity"

    def fit(self, train: sp.csr_matrix) -> Popularity:
        self.counts = np.asarray((train != 0).sum(axis=0)).ravel().astype(np.float32)
        return self

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return np.tile(self.counts, (rows.shape[0], 1))


class ItemKNN:
    """Item-item cosine neighbourhood (top-k neighbours per item, with shrinkage)."""

    name = "ItemKNN"

    def __init__(self, *, k: int = 100, shrink: float = 10.0):
        self.k = k
        self.shrink = shrink

    def fit(self, train: sp.csr_matrix) -> ItemKNN:
        x = binarize(train).tocsc()
        norms = np.sqrt(np.asarray(x.sum(axis=0)).ravel())
        xt = x.T.tocsr()
        n = x.shape[1]
        blocks = []
        # Column blocks keep memory at n x 2048 even for catalogues of tens of thousands.
        for start in range(0, n, 2048):
            stop = min(n, start + 2048)
            gram = (xt @ x[:, start:stop]).toarray().astype(np.float32)
            gram[np.arange(start, stop), np.arange(stop - start)] = 0.0
            sim = gram / (np.outer(norms, norms[start:stop]) + self.shrink + 1e-9)
            blocks.append(_top_k_columns(sim, self.k))
        self.similarity = sp.hstack(blocks).tocsr()
        return self

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        rows = sp.csr_matrix(rows)
        if rows.shape[0] > 32:
            return np.asarray((binarize(rows) @ self.similarity).todense())
        n = self.similarity.shape[1]
        out = np.zeros((rows.shape[0], n), dtype=np.float32)
        for r in range(rows.shape[0]):
            # Serving: add up the neighbour lists of the user's movies.
            out[r] = _gather_rows(self.similarity, rows.indices[rows.indptr[r] : rows.indptr[r + 1]], n)
        return out

    def sum_rows(self, items: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """One user's neighbour lists of ``items`` times ``weights``, added up: with +1 and -1
        the change a few new and removed ratings make to ``score``."""
        return _gather_rows(self.similarity, items, self.similarity.shape[1], weights)


def _top_k_columns(sim: np.ndarray, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each column of a dense matrix."""
    n, m = sim.shape
    if k >= n:
        return sp.csr_matrix(sim)
    idx = np.argpartition(-sim, k, axis=0)[:k]
    cols = np.tile(np.arange(m), k)
    vals = sim[idx, np.arange(m)[None, :]].ravel()
    out = sp.csr_matrix((vals, (idx.ravel(), cols)), shape=sim.shape)
    out.eliminate_zeros()
    return out


class CoLiked:
    """ "Members who loved X also loved Y": P(loved j | loved i), shrunk towards j's base rate.

    ``(C_ij + shrink * p_j) / (n_i + shrink)`` is a shrunk conditional probability, where
    C counts members who loved both i and j (rated >= ``liked_at``), n_i members who
    loved i and p_j the share of members who loved j. A user's score for j averages it
    over the movies they rated, each weighted by ``rating - floor`` (a 5 counts three
    times a 3; 2 and below count nothing). Unlike cosine neighbours it keeps the
    popularity of j, which is what predicts a held-out "loved" when a profile has five
    ratings. A user with no usable rating gets the base rates. Each source item keeps
    its ``k`` largest co-counts (the base-rate term stays exact).
    """

    name = "CoLiked"

    def __init__(self, *, shrink: float = 5.0, k: int = 100, liked_at: float = 4.0, floor: float = 2.0):
        self.shrink = shrink
        self.k = k
        self.liked_at = liked_at
        self.floor = floor

    def fit(self, train: sp.csr_matrix) -> CoLiked:
        loved = _loved(sp.csr_matrix(train), self.liked_at)
        n_loved = np.asarray(loved.sum(axis=0)).ravel().astype(np.float64)
        self.base_rate = (n_loved / max(1, train.shape[0])).astype(np.float32)
        co = (loved.T @ loved).tocsr().astype(np.float32)
        co.setdiag(0.0)
        co.eliminate_zeros()
        co = _top_k_rows(co, self.k)
        # Row i divided by (n_i + shrink): each source's vote is a shrunk conditional probability.
        self.inverse_mass = (1.0 / (n_loved + self.shrink)).astype(np.float32)
        self.weights = sp.csr_matrix(sp.diags(self.inverse_mass) @ co, dtype=np.float32)
        return self

    def votes(self, ratings: np.ndarray) -> np.ndarray:
        """How much each rating counts as a source: ``rating - floor``, at least 0."""
        return np.maximum(np.asarray(ratings, dtype=np.float32) - self.floor, 0.0)

    def vote_sums(self, items: np.ndarray, votes: np.ndarray) -> np.ndarray:
        """One user's votes times the weight rows of their items, added up: the part of
        ``score`` that reads the weights (votes may be negative: the change some make)."""
        return _gather_rows(self.weights, items, self.weights.shape[1], votes)

    def score(self, rows: sp.csr_matrix, *, vote_sums: np.ndarray | None = None) -> np.ndarray:
        """``vote_sums``: ``vote_sums(...)`` of the one row given, if already known."""
        votes = sp.csr_matrix(rows, dtype=np.float32, copy=True)
        votes.data = self.votes(votes.data)
        votes.eliminate_zeros()
        total = np.asarray(votes.sum(axis=1), dtype=np.float32).ravel()
        n = self.weights.shape[1]
        if vote_sums is not None:
            out = np.array(vote_sums, dtype=np.float32).reshape(1, n)
        elif votes.shape[0] <= 32:
            out = np.zeros((votes.shape[0], n), dtype=np.float32)
            for r in range(votes.shape[0]):
                span = slice(votes.indptr[r], votes.indptr[r + 1])
                out[r] = self.vote_sums(votes.indices[span], votes.data[span])
        else:
            out = np.asarray((votes @ self.weights).todense(), dtype=np.float32)
        # the shrinkage term: sum_i w_i * shrink / (n_i + shrink), times p_j
        mass = self.shrink * np.asarray(votes @ self.inverse_mass).ravel()
        out += mass[:, None] * self.base_rate[None, :]
        out /= np.maximum(total, 1e-6)[:, None]
        out[total == 0] = self.base_rate
        return out


class UserKNN:
    """Members who share several of your movies, and what they loved.

    A member v's weight is ``(sum of idf_i * (r_i - floor) over movies i you both rated
    / |v's ratings| ** alpha) ** beta``: sharing two rare movies counts far more than
    sharing one popular one, which is what the additive item-item scorers miss. Scores
    are the weighted count of members who loved each movie. Movies in the user's own row
    score 0, so a member never votes for themselves through the training matrix.
    """

    name = "UserKNN"

    def __init__(self, *, alpha: float = 0.5, beta: float = 2.0, floor: float = 1.0, liked_at: float = 4.0):
        self.alpha = alpha
        self.beta = beta
        self.floor = floor
        self.liked_at = liked_at

    def fit(self, train: sp.csr_matrix) -> UserKNN:
        train = sp.csr_matrix(train, dtype=np.float32)
        rated = binarize(train)
        counts = np.asarray(rated.sum(axis=0)).ravel()
        self.idf = np.log(max(1, train.shape[0]) / np.maximum(counts, 1.0)).astype(np.float32)
        activity = np.maximum(np.diff(rated.indptr), 1).astype(np.float32)
        # members' rows pre-divided by activity ** alpha: one product gives the similarity
        self.members = sp.csr_matrix(sp.diags(activity**-self.alpha) @ rated, dtype=np.float32).T.tocsr()
        self.loved = _loved(train, self.liked_at)
        return self

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        votes = sp.csr_matrix(rows, dtype=np.float32, copy=True)
        votes.data = np.maximum(votes.data - self.floor, 0.0) * self.idf[votes.indices]
        votes.eliminate_zeros()
        sim = (votes @ self.members).toarray() ** self.beta
        out = np.asarray(self.loved.T @ sim.T, dtype=np.float32).T
        rows = sp.csr_matrix(rows)
        rated = rows.data != 0  # what rows.nonzero() returns, without its copy to coo
        out[np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))[rated], rows.indices[rated]] = 0.0
        return out


def _loved(rows: sp.csr_matrix, liked_at: float) -> sp.csr_matrix:
    """1 where a rating is at least ``liked_at``."""
    out = sp.csr_matrix(rows, dtype=np.float32, copy=True)
    out.data = (out.data >= liked_at).astype(np.float32)
    out.eliminate_zeros()
    return out


def _gather_rows(
    matrix: sp.csr_matrix, items: np.ndarray, n: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Weighted sum of the given rows of a csr matrix as a dense vector (one user), each
    product rounded to the matrix's precision and the sum taken in float64 in the order of
    ``items``."""
    if len(items) == 0:
        return np.zeros(n, dtype=np.float32)
    starts = matrix.indptr[items]
    lengths = matrix.indptr[items + 1] - starts
    if lengths.sum() > 20_000:
        # A long history: copy the rows out and let scipy add them up, in the same order
        # and precision; five to ten times faster than the gather below for 2,000 ratings.
        picked = matrix[items]
        if weights is not None:
            picked.data = picked.data * np.repeat(weights, lengths)
        return (np.ones(len(items)) @ picked).astype(np.float32)
    take = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    values = matrix.data[take] if weights is None else matrix.data[take] * np.repeat(weights, lengths)
    return np.bincount(matrix.indices[take], weights=values, minlength=n).astype(np.float32)


def _top_k_rows(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row of a csr matrix."""
    matrix = sp.csr_matrix(matrix)
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= k:
        return matrix
    keep = np.ones(matrix.nnz, dtype=bool)
    for r in np.flatnonzero(lengths > k):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        drop = np.argpartition(-matrix.data[start:end], k)[k:]
        keep[start + drop] = False
    out = sp.csr_matrix(matrix, copy=True)
    out.data = np.where(keep, out.data, 0.0).astype(out.dtype)
    out.eliminate_zeros()
    return out


class EASE:
    """Embarrassingly Shallow Autoencoder (Steck 2019): B = I - P / diag(P), P = (X'X + lI)^-1.

    ``min_count`` restricts the item-item matrix to items with that many training
    ratings (the cost is cubic in the number of items); the others score zero.
    """

    name = "EASE"

    def __init__(self, *, l2: float = 300.0, min_count: int = 1):
        self.l2 = l2
        self.min_count = min_count

    def fit(self, train: sp.csr_matrix) -> EASE:
        x = binarize(train)
        counts = np.asarray(x.sum(axis=0)).ravel()
        self.items = np.flatnonzero(counts >= self.min_count)
        self.n_items = x.shape[1]
        if len(self.items) == 0:
            self.weights = np.zeros((0, 0), dtype=np.float32)
            return self
        xs = x[:, self.items]
        gram = (xs.T @ xs).toarray().astype(np.float32)
        gram[np.diag_indices_from(gram)] += self.l2
        p = _spd_inverse(gram)
        b = -p / np.diag(p)[None, :]
        np.fill_diagonal(b, 0.0)
        # C order: scipy copies a Fortran-ordered right-hand side on every product
        self.weights = np.ascontiguousarray(b, dtype=np.float32)
        return self

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        rows = sp.csr_matrix(rows)
        if rows.shape[0] <= 32:
            # Serving: add up the weight rows of the user's few movies (no sparse machinery).
            return self.sum_rows(rows, weighted=False)
        out = np.zeros((rows.shape[0], self.n_items), dtype=np.float32)
        out[:, self.items] = binarize(rows)[:, self.items] @ self.weights
        return out

    def sum_rows(self, rows: sp.csr_matrix, *, weighted: bool = True) -> np.ndarray:
        """For each of a few rows: the weight rows of its stored items times its values, added
        up in float32 in column order (``weighted=False``: each item counts 1, as ``score``).
        With values +1 and -1 it is the change a few new and removed ratings make to ``score``."""
        rows = sp.csr_matrix(rows)
        out = np.zeros((rows.shape[0], self.n_items), dtype=np.float32)
        position = getattr(self, "_position", None)
        if position is None or len(position) != self.n_items:
            position = np.full(self.n_items, -1, dtype=np.int64)
            position[self.items] = np.arange(len(self.items))
            self._position = position
        idx = position[rows.indices]
        known = idx >= 0
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))[known]
        indptr = np.zeros(rows.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=rows.shape[0]), out=indptr[1:])
        values = rows.data[known].astype(np.float32) if weighted else np.ones(len(row_of), dtype=np.float32)
        # sparse rows times the dense weights add weight rows in place: no copy of
        # weights[idx], ~2.5x faster than .sum() for a long history
        pick = sp.csr_matrix((values, idx[known], indptr), shape=(rows.shape[0], len(self.items)))
        out[:, self.items] = pick @ self.weights
        return out


def _spd_inverse(a: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite float32 matrix via its Cholesky factor.

    LAPACK potrf + potri in single precision: over twice as fast as solving against the
    identity in double precision, and the ridge (l2 >= 1 on the diagonal) keeps it well
    conditioned (relative error ~1e-6 on ml-latest-small).
    """
    factor, info = sla.lapack.spotrf(a, lower=0, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed (info={info})")
    inverse, info = sla.lapack.spotri(factor, lower=0, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky inverse failed (info={info})")
    upper = np.triu(inverse)
    return upper + np.triu(upper, 1).T


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


class BiasedMF:
    """Rating predictor r ~ mu + b_u + b_i + p_u . q_i, fitted by alternating least squares.

    Regularisation grows with the number of ratings of each user or item
    (weighted-lambda, Zhou et al. 2008), which is what lets many factors generalise on
    small data. ``predict`` clips to the rating scale.
    """

    name = "BiasedMF"

    def __init__(
        self,
        *,
        factors: int = 50,
        l2: float = 0.05,
        bias_l2: float = 5.0,
        iterations: int = 15,
        seed: int = 0,
        scale: tuple[float, float] = (1.0, 5.0),
    ):
        self.factors = factors
        self.l2 = l2
        self.bias_l2 = bias_l2
        self.iterations = iterations
        self.seed = seed
        self.scale = scale

    def fit(self, train: sp.csr_matrix) -> BiasedMF:
        rng = np.random.default_rng(self.seed)
        train = sp.csr_matrix(train, dtype=np.float64)
        train_t = train.T.tocsr()
        n_users, n_items = train.shape
        self.mu = float(train.data.mean())
        k = self.factors
        self.p = rng.standard_normal((n_users, k)) * 0.1
        self.q = rng.standard_normal((n_items, k)) * 0.1
        self.bu = np.zeros(n_users)
        self.bi = np.zeros(n_items)
        with one_blas_thread():
            for _ in range(self.iterations):
                self.p, self.bu = _biased_step(train, self.q, self.bi, self.mu, self.l2, self.bias_l2)
                self.q, self.bi = _biased_step(train_t, self.p, self.bu, self.mu, self.l2, self.bias_l2)
        return self

    def fold_in(self, rows: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        return _biased_step(
            sp.csr_matrix(rows, dtype=np.float64), self.q, self.bi, self.mu, self.l2, self.bias_l2
        )

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        pred = self.mu + self.bu[users] + self.bi[items] + np.einsum("ij,ij->i", self.p[users], self.q[items])
        return np.clip(pred, *self.scale)


def _biased_step(
    r: sp.csr_matrix, fixed: np.ndarray, fixed_bias: np.ndarray, mu: float, l2: float, bias_l2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Solve [factors, bias] for every row given the other side's factors and biases.

    A loop of small BLAS solves: with ~100 factors it beats the batched outer-product
    trick used by ``_als_step`` (whose memory and sparse work grow with factors^2).
    """
    r = sp.csr_matrix(r, dtype=np.float64)
    n, k = r.shape[0], fixed.shape[1]
    out = np.zeros((n, k))
    bias = np.zeros(n)
    indptr, indices, data = r.indptr, r.indices, r.data
    f_all = np.hstack([fixed, np.ones((fixed.shape[0], 1))])
    diag = np.arange(k)
    for u in range(n):
        start, end = indptr[u], indptr[u + 1]
        m = end - start
        if m == 0:
            continue
        idx = indices[start:end]
        f = f_all[idx]
        a = f.T @ f
        a[diag, diag] += l2 * m
        a[k, k] += bias_l2
        sol = sla.solve(a, f.T @ (data[start:end] - mu - fixed_bias[idx]), assume_a="pos", check_finite=False)
        out[u] = sol[:k]
        bias[u] = sol[k]
    return out, bias


class KNNBaseline:
    """Item-item neighbourhood on baseline residuals (Koren 2010, "KNNBaseline" in Surprise).

    Prediction = mu + b_u + b_i + the similarity-weighted mean residual of the user's
    ``k`` most similar rated items, with a shrunk Pearson-baseline similarity. Its errors
    differ from a factor model's, which is why the two blend well.
    """

    name = "KNNBaseline"

    def __init__(
        self,
        *,
        k: int = 40,
        shrink: float = 100.0,
        bias_l2: float = 5.0,
        iterations: int = 10,
        scale: tuple[float, float] = (1.0, 5.0),
    ):
        self.k = k
        self.shrink = shrink
        self.bias_l2 = bias_l2
        self.iterations = iterations
        self.scale = scale

    def fit(self, train: sp.csr_matrix) -> KNNBaseline:
        r = sp.csr_matrix(train, dtype=np.float64)
        rows = np.repeat(np.arange(r.shape[0]), np.diff(r.indptr))
        cols = r.indices
        self.mu = float(r.data.mean())
        n_u = np.bincount(rows, minlength=r.shape[0])
        n_i = np.bincount(cols, minlength=r.shape[1])
        self.bu, self.bi = np.zeros(r.shape[0]), np.zeros(r.shape[1])
        for _ in range(self.iterations):  # alternating ridge estimates of the biases
            self.bi = np.bincount(cols, r.data - self.mu - self.bu[rows], r.shape[1]) / (n_i + self.bias_l2)
            self.bu = np.bincount(rows, r.data - self.mu - self.bi[cols], r.shape[0]) / (n_u + self.bias_l2)
        self.residuals = sp.csr_matrix(
            (r.data - self.mu - self.bu[rows] - self.bi[cols], r.indices, r.indptr), shape=r.shape
        )
        rated = binarize(r).astype(np.float64)
        squares = self.residuals.multiply(self.residuals)
        products = (self.residuals.T @ self.residuals).toarray()
        norms = np.sqrt((squares.T @ rated).toarray() * (rated.T @ squares).toarray())
        common = (rated.T @ rated).toarray()
        support = np.clip(common - 1, 0, None)
        sim = products / np.maximum(norms, 1e-9) * support / (support + self.shrink)
        np.fill_diagonal(sim, 0.0)
        self.similarity = sim.astype(np.float32)
        return self

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        users, items = np.asarray(users), np.asarray(items)
        out = self.mu + self.bu[users] + self.bi[items]
        res = self.residuals
        order = np.argsort(users, kind="stable")
        bounds = np.flatnonzero(np.diff(users[order])) + 1
        for group in np.split(order, bounds):
            if len(group) == 0:
                continue
            u = users[group[0]]
            rated = res.indices[res.indptr[u] : res.indptr[u + 1]]
            if len(rated) == 0:
                continue
            values = res.data[res.indptr[u] : res.indptr[u + 1]]
            sims = self.similarity[np.ix_(items[group], rated)]
            if len(rated) > self.k:
                # keep each target item's k most similar rated items
                drop = np.argpartition(-sims, self.k, axis=1)[:, self.k :]
                np.put_along_axis(sims, drop, 0.0, axis=1)
            sims = np.clip(sims, 0.0, None)
            total = sims.sum(axis=1)
            mean = np.divide(sims @ values, total, out=np.zeros(len(group)), where=total > 0)
            out[group] += mean
        return np.clip(out, *self.scale)


class RatingBlend:
    """A fixed mix of ``BiasedMF`` and ``KNNBaseline`` predictions.

    The defaults (100 factors, bias_l2 2, 70/30 mix) were chosen on an inner validation
    split of the first fold's training ratings of ml-100k, never on a test fold.
    """

    name = "BiasedMF+KNNBaseline"

    def __init__(self, *, mf_share: float = 0.7, seed: int = 0, **mf_options):
        options = {"factors": 100, "l2": 0.12, "bias_l2": 2.0, **mf_options}
        self.mf = BiasedMF(seed=seed, **options)
        self.knn = KNNBaseline()
        self.mf_share = mf_share

    def fit(self, train: sp.csr_matrix) -> RatingBlend:
        self.mf.fit(train)
        self.knn.fit(train)
        return self

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        mf, knn = self.mf.predict(users, items), self.knn.predict(users, items)
        mix = self.mf_share * mf + (1 - self.mf_share) * knn
        return np.clip(mix, *self.mf.scale)
