"""Neighbourhood scorers on the implicit "rated it" signal: ``Popularity``, ``ItemKNN``
(item-item cosine), ``CoLiked`` ("members who loved X also loved Y") and ``UserKNN``
(members who share several of the user's movies), with the sparse row helpers they share."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..data import binarize


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
