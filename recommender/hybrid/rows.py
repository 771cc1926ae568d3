"""Users' rating rows as float32 csr matrices: the loved and disliked cells, and a row cut
into parts without sparse arithmetic (serving time goes on scipy's per-operation overhead,
not on the few hundred cells of one user)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

LIKED_AT = 4.0
DISLIKED_AT = 2.5


def split_by_rating(rows: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(loved rows, disliked rows): ratings >= LIKED_AT and <= DISLIKED_AT."""
    rows = sp.csr_matrix(rows, dtype=np.float32)
    return select_cells(rows, rows.data >= LIKED_AT), select_cells(rows, rows.data <= DISLIKED_AT)


def select_cells(rows: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The stored cells of ``rows`` where ``keep`` is true."""
    n = rows.shape[0]
    if n == 1:
        indptr = np.array([0, int(keep.sum())], dtype=rows.indptr.dtype)
    else:
        row_of = np.repeat(np.arange(n), np.diff(rows.indptr))
        indptr = np.zeros(n + 1, dtype=rows.indptr.dtype)
        np.cumsum(np.bincount(row_of[keep], minlength=n), out=indptr[1:])
    return sp.csr_matrix((rows.data[keep], rows.indices[keep], indptr), shape=rows.shape)


def as_csr32(rows) -> sp.csr_matrix:
    """``rows`` as a float32 csr matrix, itself if it is one (a fresh wrapper costs ~15 us,
    and one user's scoring asked for four)."""
    if isinstance(rows, sp.csr_matrix) and rows.dtype == np.float32:
        return rows
    return sp.csr_matrix(rows, dtype=np.float32)


def split_row(row: sp.csr_matrix, masks: list[np.ndarray]) -> sp.csr_matrix:
    """One user's row as one row per mask over its stored cells."""
    counts = [int(m.sum()) for m in masks]
    indptr = np.zeros(len(masks) + 1, dtype=row.indptr.dtype)
    np.cumsum(counts, out=indptr[1:])
    return sp.csr_matrix(
        (
            np.concatenate([row.data[m] for m in masks]),
            np.concatenate([row.indices[m] for m in masks]),
            indptr,
        ),
        shape=(len(masks), row.shape[1]),
    )


def one_row_each(scores: np.ndarray) -> list[np.ndarray]:
    return [scores[i : i + 1] for i in range(scores.shape[0])]
