"""One user's sums of weight rows kept from training, brought up to date by the few rows
their ratings changed since (``PartialSums``): what keeps a long history fast to serve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .rows import DISLIKED_AT, LIKED_AT, as_csr32

if TYPE_CHECKING:
    from .base import BaseScorers

# The sums of weight rows that ``PartialSums`` keeps, in the order of its ``sums``.
PARTIAL_PARTS = (
    "ease_liked",
    "ease_disliked",
    "ease_middle",
    "ease_loved",
    "knn_liked",
    "knn_rest",
    "co_liked",
)


def _part_of(ratings: np.ndarray) -> np.ndarray:
    """0 loved, 1 disliked, 2 the rest, -1 not rated (NaN): the parts ``base_scores`` splits
    a row into."""
    part = np.where(ratings >= LIKED_AT, 0, np.where(ratings <= DISLIKED_AT, 1, 2))
    return np.where(np.isnan(ratings), -1, part)


@dataclass(frozen=True)
class PartialSums:
    """One user's sums of weight rows as of the ratings they were computed from.

    EASE, ItemKNN and the co-liked scorer each add up one weight row per rated movie (EASE
    and ItemKNN per part of the row: loved, disliked, the rest). For a long history that is
    most of a recommendation's time: about 19 MB of EASE rows at 1,000 ratings. Kept at fit
    time for the heaviest users, the sums of any later row are these plus the rows of the
    movies rated, re-rated into another part or un-rated since (``now``): a few rows to read
    instead of a thousand. ``sums`` is read-only, so no caller can change it by accident.
    """

    items: np.ndarray  # columns the sums were computed from, ascending
    ratings: np.ndarray  # their ratings (float32)
    sums: np.ndarray  # (len(PARTIAL_PARTS), n_items) float32

    def now(self, base: BaseScorers, row: sp.csr_matrix) -> np.ndarray | None:
        """The sums for ``row`` (one user, csr): kept ones plus the change, or None when more
        than half the row changed (computing them afresh is then as cheap)."""
        row = as_csr32(row)
        if not row.has_sorted_indices:
            row = row.sorted_indices()
        items, ratings = row.indices, row.data
        if np.array_equal(items, self.items) and np.array_equal(ratings, self.ratings):
            return self.sums
        union = np.union1d(self.items, items)
        old = np.full(len(union), np.nan, dtype=np.float32)
        new = old.copy()
        old[np.searchsorted(union, self.items)] = self.ratings
        new[np.searchsorted(union, items)] = ratings
        changed = old != new  # NaN on one side only: rated or un-rated
        cells, old, new = union[changed], old[changed], new[changed]
        if 2 * len(cells) > len(items):
            return None
        was, becomes = _part_of(old), _part_of(new)
        moved = was != becomes
        n = self.sums.shape[1]
        delta = np.zeros_like(self.sums)
        # EASE: one signed row per part, +1 where a movie entered it and -1 where it left
        entries = [(was[moved], cells[moved], -1.0), (becomes[moved], cells[moved], 1.0)]
        part = np.concatenate([p[p >= 0] for p, _, _ in entries])
        cols = np.concatenate([c[p >= 0] for p, c, _ in entries])
        signs = np.concatenate([np.full(int((p >= 0).sum()), v, dtype=np.float32) for p, _, v in entries])
        order = np.lexsort((cols, part))
        part, cols, signs = part[order], cols[order], signs[order]
        indptr = np.searchsorted(part, np.arange(4)).astype(np.int64)
        ease = sp.csr_matrix((signs, cols, indptr), shape=(3, n))
        if ease.nnz:
            delta[:3] = base.ease.sum_rows(ease)
            loved = ease[0]
            if loved.nnz:
                delta[3] = base.ease_loved.sum_rows(loved)[0]
                delta[4] = base.knn.sum_rows(loved.indices, loved.data)
            rest = part > 0
            # a move between disliked and the rest leaves ItemKNN's "rest" row as it was
            rest_cols, rest_signs = cols[rest], signs[rest]
            if len(rest_cols):
                unique, inverse = np.unique(rest_cols, return_inverse=True)
                net = np.bincount(inverse, weights=rest_signs).astype(np.float32)
                keep = net != 0
                if keep.any():
                    delta[5] = base.knn.sum_rows(unique[keep], net[keep])
        co_liked = base.co_liked
        votes = co_liked.votes(np.nan_to_num(new)) - co_liked.votes(np.nan_to_num(old))
        if votes.any():
            delta[6] = co_liked.vote_sums(cells[votes != 0], votes[votes != 0])
        return self.sums + delta
