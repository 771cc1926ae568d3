"""Rating data as sparse matrices, and the seeded splits used by every method.

Rows are users and columns are items, both as dense 0..n-1 indices; ``user_ids`` and
``item_ids`` map them back to the source's ids. Ratings are stored as given (1..5 or
half stars); a stored zero never means "rated 0" because MovieLens has no zero rating.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp


@dataclass
class Ratings:
    """A user x item rating matrix plus the item text needed by the content model."""

    matrix: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray
    titles: list[str]
    genres: list[list[str]]
    years: list[int | None] = field(default_factory=list)
    name: str = ""
    # Directors and cast of each item (empty lists where unknown, or no list at all).
    people: list[list[str]] = field(default_factory=list)

    @property
    def n_users(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.matrix.shape[1])

    def item_texts(self) -> list[str]:
        """One line of text per item for the content model (title, year, genres)."""
        texts = []
        for title, genres, year in zip(
            self.titles, self.genres, self.years or [None] * self.n_items, strict=True
        ):
            year_part = f" ({year})" if year else ""
            texts.append(f"{title}{year_part}. Genres: {', '.join(genres)}.")
        return texts


def from_triples(
    users: np.ndarray,
    items: np.ndarray,
    ratings: np.ndarray,
    *,
    titles: dict | None = None,
    genres: dict | None = None,
    years: dict | None = None,
    name: str = "",
) -> Ratings:
    """Build ``Ratings`` from parallel arrays of external ids and ratings.

    Duplicate (user, item) pairs keep the last rating. Items named in ``titles`` but
    never rated still get a column, so a brand-new movie can be ranked from content.
    """
    titles = titles or {}
    genres = genres or {}
    years = years or {}
    user_ids = np.unique(np.asarray(users))
    item_ids = np.unique(
        np.concatenate([np.asarray(items), np.asarray(list(titles), dtype=np.asarray(items).dtype)])
    )
    rows = np.searchsorted(user_ids, users)
    cols = np.searchsorted(item_ids, items)
    # Keep the last rating for duplicates: coo->csr would sum them.
    order = np.lexsort((np.arange(len(rows)), cols, rows))
    rows, cols, vals = rows[order], cols[order], np.asarray(ratings, dtype=np.float32)[order]
    last = np.ones(len(rows), dtype=bool)
    if len(rows) > 1:
        last[:-1] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    matrix = sp.csr_matrix(
        (vals[last], (rows[last], cols[last])), shape=(len(user_ids), len(item_ids)), dtype=np.float32
    )
    return Ratings(
        matrix=matrix,
        user_ids=user_ids,
        item_ids=item_ids,
        titles=[str(titles.get(i, i)) for i in item_ids.tolist()],
        genres=[list(genres.get(i, [])) for i in item_ids.tolist()],
        years=[years.get(i) for i in item_ids.tolist()],
        name=name,
    )


def holdout_split(
    matrix: sp.csr_matrix, *, fraction: float = 0.2, seed: int = 0
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Per user, hold out a seeded random ``fraction`` of their ratings.

    Every user with at least two ratings keeps at least one in train and gives at
    least one to test. Returns (train, test) with the same shape as ``matrix``.
    """
    matrix = sp.csr_matrix(matrix)
    rng = np.random.default_rng(seed)
    test_mask = np.zeros(matrix.nnz, dtype=bool)
    for u in range(matrix.shape[0]):
        start, end = matrix.indptr[u], matrix.indptr[u + 1]
        n = end - start
        if n < 2:
            continue
        k = min(n - 1, max(1, int(round(fraction * n))))
        test_mask[start + rng.choice(n, size=k, replace=False)] = True
    return _mask_split(matrix, test_mask)


def _mask_split(matrix: sp.csr_matrix, test_mask: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    coo = matrix.tocoo()
    # csr row order == coo order for a canonical csr matrix
    train = sp.csr_matrix(
        (coo.data[~test_mask], (coo.row[~test_mask], coo.col[~test_mask])),
        shape=matrix.shape,
        dtype=np.float32,
    )
    test = sp.csr_matrix(
        (coo.data[test_mask], (coo.row[test_mask], coo.col[test_mask])), shape=matrix.shape, dtype=np.float32
    )
    return train, test


def reduce_users(train: sp.csr_matrix, users: np.ndarray, *, keep: int = 5, seed: int = 0) -> sp.csr_matrix:
    """Keep only ``keep`` seeded random training ratings for each of ``users`` (cold start)."""
    train = sp.csr_matrix(train)
    rng = np.random.default_rng(seed)
    drop = np.zeros(train.nnz, dtype=bool)
    for u in np.asarray(users):
        start, end = train.indptr[u], train.indptr[u + 1]
        n = end - start
        if n > keep:
            chosen = rng.choice(n, size=n - keep, replace=False)
            drop[start + chosen] = True
    reduced, _ = _mask_split(train, drop)
    return reduced


def kfold_triples(matrix: sp.csr_matrix, *, folds: int = 5, seed: int = 0):
    """Yield (train, test) sparse matrices for a seeded k-fold split over all ratings."""
    matrix = sp.csr_matrix(matrix)
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(matrix.nnz) % folds
    for f in range(folds):
        yield _mask_split(matrix, fold_of == f)


def binarize(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """1 where a rating exists (the implicit "watched" signal)."""
    out = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    out.data[:] = 1.0
    return out
