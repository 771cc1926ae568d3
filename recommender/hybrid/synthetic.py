"""Synthetic rating sets shaped like a real one, for measuring how the hybrid scales.

``fit_low_rank`` learns from a real rating matrix what a bigger site would look like:
a global mean, user and film biases, a truncated SVD of the centred ratings (the taste
factors), the noise left over, each member's number of ratings and each film's. ``generate``
then draws a site ``users`` times as many members and ratings and ``films`` times the
catalogue, seeded:

- each synthetic film copies a real film (``templates``): its rating count in the real
  curve, its bias, and its factors plus a little noise; with ``films=6`` every real film
  has six near-twins, so the popularity curve keeps its shape over six times the films;
- each member's taste is drawn from a Gaussian with the real members' factor covariance,
  and their number of ratings from the real members' counts;
- which films a member rates: drawn without replacement with odds ``popularity x
  exp(taste match)`` (Gumbel top-k), so who-rated-what carries taste as MovieLens does,
  not popularity alone;
- the rating: mean + biases + factors' product + the real residual noise, rounded to half
  stars in 0.5-5.

Catalogue growth is scaled with members and ratings (``films=6`` comes with six times both
in ``bench_scale``) so every film keeps the real rating count of its template: a six-times
catalogue rated as thinly as the real one is what makes EASE's item-item matrix grow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


@dataclass
class LowRankModel:
    """What ``generate`` draws from, fitted to a real rating matrix."""

    mean: float
    user_bias: np.ndarray  # (users,)
    item_bias: np.ndarray  # (items,)
    user_factors: np.ndarray  # (users, rank), scaled so their product fits the residuals
    item_factors: np.ndarray  # (items, rank)
    noise: float  # standard deviation of what the factors leave unexplained
    activity: np.ndarray  # ratings per real member
    popularity: np.ndarray  # ratings per real film

    @property
    def n_users(self) -> int:
        return len(self.user_bias)

    @property
    def n_items(self) -> int:
        return len(self.item_bias)


@dataclass
class SyntheticRatings:
    matrix: sp.csr_matrix  # (users, films) float32 half stars
    templates: np.ndarray  # the real film each synthetic film copies


def fit_low_rank(
    matrix: sp.csr_matrix, *, rank: int = 24, shrink: float = 5.0, seed: int = 0
) -> LowRankModel:
    """Biases shrunk towards 0 by ``shrink`` pseudo-ratings, then a rank-``rank`` truncated SVD
    of the residuals (unrated cells 0), its product rescaled by least squares on the rated
    cells (the zeros of unrated cells shrink an SVD's product towards 0)."""
    m = sp.csr_matrix(matrix, dtype=np.float64)
    m.eliminate_zeros()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    cols = m.indices
    mean = float(m.data.mean())
    activity = np.diff(m.indptr)
    popularity = np.bincount(cols, minlength=m.shape[1])
    item_bias = np.bincount(cols, weights=m.data - mean, minlength=m.shape[1]) / (popularity + shrink)
    user_bias = np.bincount(rows, weights=m.data - mean - item_bias[cols], minlength=m.shape[0]) / (
        activity + shrink
    )
    residual = m.data - mean - user_bias[rows] - item_bias[cols]
    centred = sp.csr_matrix((residual, m.indices, m.indptr), shape=m.shape)
    rank = max(1, min(rank, min(m.shape) - 1))
    start = np.random.default_rng(seed).standard_normal(min(m.shape))
    u, s, vt = spla.svds(centred, k=rank, v0=start)
    p, q = u * np.sqrt(s), vt.T * np.sqrt(s)
    fitted = np.einsum("ij,ij->i", p[rows], q[cols])
    scale = float(fitted @ residual / max(fitted @ fitted, 1e-12))
    p *= np.sqrt(max(scale, 0.0))
    q *= np.sqrt(max(scale, 0.0))
    noise = float(np.std(residual - scale * fitted))
    return LowRankModel(
        mean=mean,
        user_bias=user_bias.astype(np.float32),
        item_bias=item_bias.astype(np.float32),
        user_factors=p.astype(np.float32),
        item_factors=q.astype(np.float32),
        noise=noise,
        activity=activity.astype(np.int64),
        popularity=popularity.astype(np.int64),
    )


def generate(
    model: LowRankModel,
    *,
    users: float = 1.0,
    films: float = 1.0,
    seed: int = 0,
    taste: float = 1.0,
    film_noise: float = 0.3,
    chunk: int = 256,
    progress=None,
) -> SyntheticRatings:
    """A seeded rating matrix of ``round(users x real members)`` members and ``round(films x
    real films)`` films, each member with a real member's count of ratings (at most the
    catalogue). ``taste`` weighs the taste match against popularity in who rates what;
    ``film_noise`` is the spread of a film's factors around its template's, relative to the
    factors' own spread. ``progress(done, total)`` is called per chunk of members."""
    rng = np.random.default_rng(seed)
    n_users = max(1, int(round(users * model.n_users)))
    n_items = max(1, int(round(films * model.n_items)))
    # every real film once per whole multiple, the remainder drawn at random
    whole = int(n_items // model.n_items)
    templates = np.concatenate(
        [np.tile(np.arange(model.n_items), whole), rng.choice(model.n_items, n_items - whole * model.n_items)]
    )
    rng.shuffle(templates)
    spread = model.item_factors.std(axis=0, keepdims=True)
    q = model.item_factors[templates] + film_noise * spread * rng.standard_normal(
        (n_items, model.item_factors.shape[1])
    ).astype(np.float32)
    item_bias = model.item_bias[templates]
    # a film's odds of being rated: its template's count (+0.5 so an unrated one can be)
    log_pop = np.log(model.popularity[templates] + 0.5).astype(np.float32)

    taste_cov = np.cov(np.hstack([model.user_factors, model.user_bias[:, None]]), rowvar=False)
    drawn = rng.multivariate_normal(np.zeros(len(taste_cov)), taste_cov, size=n_users).astype(np.float32)
    p, user_bias = drawn[:, :-1], drawn[:, -1]
    counts = np.minimum(rng.choice(model.activity, size=n_users), n_items)

    indptr = np.zeros(n_users + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.empty(indptr[-1], dtype=np.int32)
    data = np.empty(indptr[-1], dtype=np.float32)
    for start in range(0, n_users, chunk):
        stop = min(n_users, start + chunk)
        match = p[start:stop] @ q.T  # (chunk, films)
        sd = float(match.std()) or 1.0
        keys = log_pop[None, :] + taste * match / sd + rng.gumbel(size=match.shape).astype(np.float32)
        for j, u in enumerate(range(start, stop)):
            n = int(counts[u])
            chosen = np.sort(np.argpartition(-keys[j], n - 1)[:n]) if n < n_items else np.arange(n_items)
            value = (
                model.mean
                + user_bias[u]
                + item_bias[chosen]
                + match[j, chosen]
                + model.noise * rng.standard_normal(n)
            )
            indices[indptr[u] : indptr[u + 1]] = chosen
            data[indptr[u] : indptr[u + 1]] = np.clip(np.round(value * 2) / 2, 0.5, 5.0)
        if progress is not None:
            progress(stop, n_users)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n_users, n_items))
    return SyntheticRatings(matrix=matrix, templates=templates)


def content_for(
    vectors: np.ndarray, templates: np.ndarray, *, noise: float = 0.1, seed: int = 0
) -> np.ndarray:
    """Content vectors of synthetic films: their templates' unit vectors plus seeded noise,
    renormalised (twins of one film are close, not identical)."""
    rng = np.random.default_rng(seed)
    out = vectors[templates] + noise * rng.standard_normal((len(templates), vectors.shape[1])).astype(
        np.float32
    ) / np.sqrt(vectors.shape[1])
    return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def top_share(matrix: sp.csr_matrix, fraction: float = 0.1) -> float:
    """Share of all ratings that go to the ``fraction`` most rated films (popularity skew)."""
    counts = np.sort(np.bincount(sp.csr_matrix(matrix).indices, minlength=matrix.shape[1]))[::-1]
    top = max(1, int(round(fraction * len(counts))))
    return float(counts[:top].sum() / max(1, counts.sum()))
