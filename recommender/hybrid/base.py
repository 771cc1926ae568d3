"""The scorers the hybrid blends, fitted together, and the item priors they share.

``BaseScorers.scores`` gives every scorer's raw scores for users' rows; the blend
(``blend.Hybrid``) standardises and weights them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .aspects import AspectScorer
from .cf import EASE, CoLiked, ImplicitALS, ItemKNN, UserKNN
from .content import ContentScorer
from .partial import PartialSums
from .people import PeopleScorer
from .ranking import zscore
from .rows import DISLIKED_AT, LIKED_AT, as_csr32, one_row_each, select_cells, split_row


@dataclass
class BaseScorers:
    """The fitted parts of the hybrid and the item priors they share."""

    ease: EASE
    ease_loved: EASE
    als: ImplicitALS
    knn: ItemKNN
    content: ContentScorer
    log_popularity: np.ndarray
    quality: np.ndarray
    co_liked: CoLiked
    user_knn: UserKNN
    people: PeopleScorer | None = None
    aspects: AspectScorer | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def standardised_priors(self) -> dict[str, np.ndarray]:
        """Popularity and quality as z-scores, (1, n_items): the same for every user, so
        standardised once instead of on every call."""
        cached = self.__dict__.get("_standardised_priors")
        if cached is None:
            cached = {
                "popularity": zscore(self.log_popularity[None, :]),
                "quality": zscore(self.quality[None, :]),
            }
            self._standardised_priors = cached
        return cached

    def scores(
        self,
        rows: sp.csr_matrix,
        *,
        people: bool = True,
        aspects: np.ndarray | None = None,
        partial: PartialSums | None = None,
    ) -> dict[str, np.ndarray]:
        """Every scorer's raw scores; ``people=False`` leaves the people scorer out (zeros)
        when its weight is 0, which saves its gathers and changes no blended score.
        ``aspects``: the users' (n, aspects) preferences from their own reviews, or None.
        ``partial``: sums kept for the one user in ``rows`` (``partial_sums``), if any."""
        n = rows.shape[0]
        rows = as_csr32(rows)
        is_liked, is_disliked = rows.data >= LIKED_AT, rows.data <= DISLIKED_AT
        is_middle = ~is_liked & ~is_disliked
        liked, disliked = select_cells(rows, is_liked), select_cells(rows, is_disliked)
        # EASE and ItemKNN are linear in the "rated" indicator: scoring the loved, the
        # disliked and the rest separately and adding them up reads every weight row once.
        kept = partial.now(self, rows) if partial is not None and n == 1 else None
        if kept is not None:
            # A long history with its sums kept at fit time: no weight row of an unchanged rating is read.
            ease_liked, ease_disliked, ease_middle, ease_loved, knn_liked, knn_rest, co_sums = one_row_each(
                kept
            )
        elif n == 1:
            # Serving: one product per scorer for all the parts of the user's row.
            ease_liked, ease_disliked, ease_middle = one_row_each(
                self.ease.score(split_row(rows, [is_liked, is_disliked, is_middle]))
            )
            knn_liked, knn_rest = one_row_each(self.knn.score(split_row(rows, [is_liked, ~is_liked])))
        else:
            ease_liked, ease_disliked = self.ease.score(liked), self.ease.score(disliked)
            ease_middle = self.ease.score(select_cells(rows, is_middle))
            knn_liked, knn_rest = self.knn.score(liked), self.knn.score(select_cells(rows, ~is_liked))
        return {
            "ease": ease_liked + ease_disliked + ease_middle,
            "ease_liked": ease_liked,
            "ease_disliked": ease_disliked,
            "ease_loved": self.ease_loved.score(liked) if kept is None else ease_loved,
            "als": self.als.score(rows),
            "knn": knn_liked + knn_rest,
            "knn_liked": knn_liked,
            "co_liked": self.co_liked.score(rows, vote_sums=None if kept is None else co_sums[0]),
            "user_knn": self.user_knn.score(rows),
            "content": self.content.score(rows),
            "popularity": np.broadcast_to(self.log_popularity, (n, len(self.log_popularity))),
            "quality": np.broadcast_to(self.quality, (n, len(self.quality))),
            "people": (
                self.people.score(rows)
                if people and self.people is not None
                else np.zeros(rows.shape, dtype=np.float32)
            ),
            "aspects": (
                self.aspects.score(aspects, n)
                if aspects is not None and self.aspects is not None
                else np.zeros(rows.shape, dtype=np.float32)
            ),
        }

    def partial_sums(self, row: sp.csr_matrix) -> PartialSums:
        """One user's sums of weight rows (``PartialSums``), computed by the same code and in
        the same order as ``scores`` computes them for one user, so the scores of an
        unchanged row are the same to the bit."""
        row = as_csr32(row).sorted_indices()
        is_liked, is_disliked = row.data >= LIKED_AT, row.data <= DISLIKED_AT
        is_middle = ~is_liked & ~is_disliked
        votes = self.co_liked.votes(row.data)
        voting = votes != 0
        sums = np.vstack(
            [
                self.ease.score(split_row(row, [is_liked, is_disliked, is_middle])),
                self.ease_loved.score(select_cells(row, is_liked)),
                self.knn.score(split_row(row, [is_liked, ~is_liked])),
                self.co_liked.vote_sums(row.indices[voting], votes[voting]),
            ]
        ).astype(np.float32)
        sums.flags.writeable = False
        return PartialSums(items=row.indices.astype(np.int32), ratings=row.data.copy(), sums=sums)


def item_quality(train: sp.csr_matrix, *, prior_count: float = 10.0) -> np.ndarray:
    """Mean rating of each item shrunk towards the global mean (a Bayesian average)."""
    train = sp.csr_matrix(train)
    counts = np.diff(train.tocsc().indptr).astype(np.float64)
    sums = np.asarray(train.sum(axis=0)).ravel()
    mu = float(train.data.mean()) if train.nnz else 0.0
    return ((sums + prior_count * mu) / (counts + prior_count)).astype(np.float32)
