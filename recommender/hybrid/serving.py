"""The trained hybrid answering for one member in milliseconds: recommendations, rows
("because you loved", hidden gems, similar movies) and feedback.

The model is stored and loaded by ``artifact`` (the file) and ``cache`` (once per
process); ``reasons`` words why a movie was picked.

``ServingModel`` works in the catalogue's own movie ids. A user is given as a dict
``{movie_id: rating}``; their vector is folded in on every call (no retrain), which
is what makes a new rating count within seconds. For the users with the longest
histories the model also keeps, from training, their sums of weight rows
(``partial.PartialSums``, by user id): a call that names the user starts from those and
reads only the rows of ratings added, changed or removed since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .blas import one_blas_thread
from .blend import Hybrid
from .cf import BiasedMF
from .partial import PartialSums
from .ranking import best_first, zscore_finite
from .rows import LIKED_AT

# Explicit feedback is a product rule, not a learned weight: the blend's scores are in
# standard-deviation units, so "more like this" lifts a movie as similar as the anchor
# by about one standard deviation, and a dismissed or panned movie pushes its look-alikes
# down by about as much.
MORE_LIKE_THIS_BOOST = 1.0
DISLIKE_PENALTY = 1.2
# Users whose sums of weight rows are kept (``keep_partial_sums``): from this many ratings,
# and at most this many of them, the longest histories first. Each costs 7 floats per movie
# (250 KB for 9,000 movies; ml-latest-small has 182 such users, 46 MB). Measured on
# ml-latest-small (CPU time, p99 of 300 users): kept from 300 ratings, the slowest were
# the users with 200-300 (5.2 ms); from 150, those with 115-150 (4.1 ms).
PARTIAL_SUMS_FROM = 150
PARTIAL_SUMS_MOST = 500


@dataclass
class Pick:
    movie_id: int
    score: float
    reason: str = ""


class ServingModel:
    """A fitted ``Hybrid`` plus the catalogue, in movie ids."""

    def __init__(
        self, hybrid: Hybrid, *, item_ids, titles, genres, version: str, metadata: dict | None = None
    ):
        self.hybrid = hybrid
        self.item_ids = np.asarray(item_ids, dtype=np.int64)
        self.titles = list(titles)
        self.genres = [list(g) for g in genres]
        self.version = version
        self.metadata = metadata or {}
        self._index = {int(m): i for i, m in enumerate(self.item_ids.tolist())}
        # {user id: sums of weight rows kept at fit time} (keep_partial_sums)
        self.partial_sums: dict[int, PartialSums] = {}
        # The user id of each user-kNN member (column of ``user_knn.members``, row of
        # ``user_knn.loved``): what lets ``forget_users`` find one member's ratings. None in
        # files written before they were kept.
        self.member_ids: np.ndarray | None = None
        # Rewrites of this version's file without some users (``forget_users``); the version,
        # which stored rows and texts name, stays the same.
        self.revision = 0
        # The star-rating predictor (biased MF, movie side only; a member is folded in from
        # their own ratings by ``rating_fold_in``). None in files written before it was kept.
        self.rating: BiasedMF | None = None
        self._sorted_columns = np.argsort(self.item_ids, kind="stable")
        self._sorted_ids = self.item_ids[self._sorted_columns]
        base = hybrid.base
        # Item-item similarity for neighbours, reasons and feedback: content cosine
        # everywhere, plus CF cosine trusted in proportion to how often the item was rated.
        factors = base.als.item_factors
        norms = np.linalg.norm(factors, axis=1, keepdims=True)
        self._cf_unit = (factors / np.maximum(norms, 1e-9)).astype(np.float32)
        counts = np.expm1(base.log_popularity)
        self._cf_trust = np.minimum(1.0, counts / 20.0).astype(np.float32)

    # -- ids ----------------------------------------------------------------------
    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def knows(self, movie_id: int) -> bool:
        return int(movie_id) in self._index

    def column_of(self, movie_id: int) -> int | None:
        """The movie's column in this model, or None for a movie it does not know."""
        return self._index.get(int(movie_id))

    def keep_partial_sums(
        self,
        matrix: sp.csr_matrix,
        user_ids: Iterable[int],
        *,
        min_ratings: int | None = None,
        most: int | None = None,
    ) -> int:
        """Keep the sums of weight rows of the users with the longest histories in ``matrix``
        (the training ratings: rows in the order of ``user_ids``, columns in this model's item
        order), so serving them reads one vector per scorer part. Returns how many were kept."""
        min_ratings = PARTIAL_SUMS_FROM if min_ratings is None else min_ratings
        most = PARTIAL_SUMS_MOST if most is None else most
        matrix = sp.csr_matrix(matrix)
        user_ids = np.asarray(list(user_ids), dtype=np.int64)
        counts = np.diff(matrix.indptr)
        heavy = np.flatnonzero(counts >= max(1, min_ratings))
        heavy = heavy[np.argsort(-counts[heavy], kind="stable")][:most]
        with one_blas_thread():
            self.partial_sums = {int(user_ids[u]): self.hybrid.base.partial_sums(matrix[u]) for u in heavy}
        return len(self.partial_sums)

    def held_user_ids(self) -> set[int]:
        """The users whose own ratings this model holds (user-kNN members, kept sums)."""
        members = set(self.member_ids.tolist()) if self.member_ids is not None else set()
        return members | set(self.partial_sums)

    def forget_users(self, user_ids: Iterable[int]) -> int:
        """Remove these users' ratings from the model: their user-kNN member column and loved
        row, and the sums kept for them. Returns how many users were removed.

        A file without member ids cannot tell which column is whose: all its members are
        dropped (the user-kNN feature then scores 0 until the next retrain), which is the only
        way to be sure a deleted member is out. Aggregates over everyone (item similarities,
        factors, popularity) are recomputed at the next retrain, not here.
        """
        gone = {int(u) for u in user_ids}
        if not gone:
            return 0
        removed = {u for u in gone if u in self.partial_sums}
        for u in removed:
            del self.partial_sums[u]
        knn = self.hybrid.base.user_knn
        members = sp.csr_matrix(knn.members)
        n_members = members.shape[1]
        if self.member_ids is None or len(self.member_ids) != n_members:
            if n_members:
                keep = np.zeros(n_members, dtype=bool)
                removed |= gone
                self.member_ids = np.zeros(0, dtype=np.int64)
            else:
                keep = np.zeros(0, dtype=bool)
        else:
            keep = ~np.isin(self.member_ids, np.fromiter(gone, dtype=np.int64))
            removed |= set(self.member_ids[~keep].tolist())
            self.member_ids = self.member_ids[keep]
        if not keep.all():
            columns = np.flatnonzero(keep)
            knn.members = members[:, columns].tocsr()
            knn.loved = sp.csr_matrix(knn.loved)[columns].tocsr()
        return len(removed)

    def _positions(self, movie_ids: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """(column of each id, known?) in one vectorised lookup, in the order given."""
        ids = np.fromiter((int(m) for m in movie_ids), dtype=np.int64)
        sorted_ids = self._sorted_ids
        at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        known = sorted_ids[at] == ids if len(sorted_ids) else np.zeros(len(ids), dtype=bool)
        return self._sorted_columns[at], known

    def row(self, ratings: Mapping[int, float]) -> sp.csr_matrix:
        """The user's ratings as one csr row in this model's columns (unknown movies left out)."""
        return self._row_and_rated(ratings)[0]

    def _row_and_rated(self, ratings: Mapping[int, float]) -> tuple[sp.csr_matrix, np.ndarray]:
        """The user's row (non-zero ratings of known movies), and the columns of every known
        movie they rated, which are never recommended back (``columns(ratings.keys())``)."""
        cols, known = self._positions(ratings.keys())
        vals = np.fromiter(ratings.values(), dtype=np.float64, count=len(ratings)).astype(np.float32)
        rated = cols[known].astype(np.int64)
        keep = known & (vals != 0)
        cols, vals = cols[keep], vals[keep]
        order = np.argsort(cols)
        row = sp.csr_matrix(
            (vals[order], cols[order].astype(np.int32), [0, len(cols)]), shape=(1, self.n_items)
        )
        return row, rated

    def columns(self, movie_ids: Iterable[int]) -> np.ndarray:
        """The columns of the known movies among ``movie_ids``, in the order given."""
        cols, known = self._positions(movie_ids)
        return cols[known].astype(np.int64)

    # -- predicted rating ---------------------------------------------------------
    def rating_fold_in(self, ratings: Mapping[int, float]) -> tuple[np.ndarray, float, int] | None:
        """(factors, bias, ratings used) of a member in the rating predictor, solved from their
        own star ratings of movies this model knows; None without a predictor or such ratings.
        Their predicted rating of movie i is ``rating.mu + rating.bi[i] + bias + q[i] @ factors``."""
        if self.rating is None:
            return None
        row = self.row(ratings)
        if row.nnz == 0:
            return None
        with one_blas_thread():
            factors, bias = self.rating.fold_in(row)
        return factors[0], float(bias[0]), int(row.nnz)

    # -- similarity ---------------------------------------------------------------
    def item_similarity(self, items: np.ndarray) -> np.ndarray:
        """(len(items), n_items) similarity in [-1, 1] mixing content and CF cosine."""
        content = self.hybrid.base.content.vectors
        with one_blas_thread():  # a few rows times the catalogue: threads only add waiting
            c = content[items] @ content.T
            cf = self._cf_unit[items] @ self._cf_unit.T
        trust = self._cf_trust[items][:, None] * self._cf_trust[None, :]
        return (1.0 - 0.5 * trust) * c + 0.5 * trust * cf

    # -- recommending -------------------------------------------------------------
    def scores(
        self,
        ratings: Mapping[int, float],
        *,
        more_like: Iterable[int] = (),
        disliked: Iterable[int] = (),
        aspects: Mapping[str, float] | None = None,
        user_id: int | None = None,
    ) -> np.ndarray:
        """Blended score of every catalogue item for this user, with feedback applied.
        ``aspects``: the user's {aspect: -1..1} from their own analysed reviews. ``user_id``
        only makes it faster (sums kept for that user, if any); the scores are those of
        ``ratings`` either way."""
        return self._scores(
            self.row(ratings), more_like=more_like, disliked=disliked, aspects=aspects, user_id=user_id
        )

    def _scores(
        self,
        row: sp.csr_matrix,
        *,
        more_like: Iterable[int],
        disliked: Iterable[int],
        aspects: Mapping[str, float] | None = None,
        user_id: int | None = None,
    ) -> np.ndarray:
        scorer = self.hybrid.base.aspects
        prefs = scorer.preferences(aspects)[None, :] if aspects and scorer is not None else None
        partial = self.partial_sums.get(int(user_id)) if user_id is not None else None
        with one_blas_thread():
            s = self.hybrid.score(row, aspects=prefs, partial=partial)[0].astype(np.float32)
            boost = self.columns(more_like)
            if len(boost):
                s += MORE_LIKE_THIS_BOOST * np.clip(self.item_similarity(boost).max(axis=0), 0, None)
            push = self.columns(disliked)
            if len(push):
                s -= DISLIKE_PENALTY * np.clip(self.item_similarity(push).max(axis=0), 0, None)
        return s

    def recommend(
        self,
        ratings: Mapping[int, float],
        *,
        n: int = 20,
        exclude: Iterable[int] = (),
        more_like: Iterable[int] = (),
        disliked: Iterable[int] = (),
        candidates: Iterable[int] | None = None,
        aspects: Mapping[str, float] | None = None,
        user_id: int | None = None,
    ) -> list[Pick]:
        """Top ``n`` movies, never one the user rated or excluded (dismissed, say);
        ``user_id`` as in ``scores``."""
        row, rated = self._row_and_rated(ratings)
        s = self._scores(row, more_like=more_like, disliked=disliked, aspects=aspects, user_id=user_id)
        return self._top(s, ratings, exclude=exclude, n=n, candidates=candidates, rated=rated)

    def top(
        self,
        user_scores: np.ndarray,
        ratings: Mapping[int, float],
        *,
        n: int = 20,
        exclude: Iterable[int] = (),
    ) -> list[Pick]:
        """Top ``n`` of precomputed ``scores(...)``, skipping rated and excluded movies."""
        return self._top(user_scores, ratings, exclude=exclude, n=n)

    def _top(self, s, ratings, *, exclude, n, candidates=None, rated=None) -> list[Pick]:
        s = s.copy()
        rated = self.columns(ratings.keys()) if rated is None else rated
        blocked = np.concatenate([rated, self.columns(exclude)])
        if candidates is not None:
            allowed = np.zeros(self.n_items, dtype=bool)
            allowed[self.columns(candidates)] = True
            s[~allowed] = -np.inf
        s[blocked.astype(np.int64)] = -np.inf
        n = min(n, int(np.isfinite(s).sum()))
        if n <= 0:
            return []
        return [Pick(int(self.item_ids[i]), float(s[i])) for i in best_first(s, n)]

    def because_you_loved(
        self,
        ratings: Mapping[int, float],
        anchor: int,
        *,
        n: int = 10,
        exclude: Iterable[int] = (),
        user_scores: np.ndarray | None = None,
    ) -> list[Pick]:
        """Movies close to ``anchor`` that this user is also likely to enjoy."""
        a = self.columns([anchor])
        if not len(a):
            return []
        sim = self.item_similarity(a)[0]
        user = self.scores(ratings) if user_scores is None else user_scores
        s = zscore_finite(sim) + 0.5 * zscore_finite(user)
        s[a] = -np.inf
        return self._top(s, ratings, exclude=exclude, n=n)

    def loved_anchors(self, ratings: Mapping[int, float], *, k: int = 2) -> list[int]:
        """The user's best-rated movies (ties: the more widely seen first)."""
        pop = self.hybrid.base.log_popularity
        loved = [
            (r, float(pop[self._index[int(m)]]), int(m))
            for m, r in ratings.items()
            if r >= LIKED_AT and int(m) in self._index
        ]
        loved.sort(reverse=True)
        return [m for _, _, m in loved[:k]]

    def favourite_genres(self, ratings: Mapping[int, float], *, k: int = 3) -> list[str]:
        """Genres of the movies the user rated highly, most frequent first."""
        counts: dict[str, float] = {}  # summed (rating - 3) weights
        for m, r in ratings.items():
            i = self._index.get(int(m))
            if i is None:
                continue
            weight = r - 3.0
            for g in self.genres[i]:
                counts[g] = counts.get(g, 0.0) + weight
        ranked = sorted(counts.items(), key=lambda gc: -gc[1])  # stable: ties keep first-seen order
        return [g for g, c in ranked if c > 0][:k]

    def hidden_gems(
        self,
        ratings: Mapping[int, float],
        genre: str,
        *,
        n: int = 10,
        exclude: Iterable[int] = (),
        user_scores: np.ndarray | None = None,
    ) -> list[Pick]:
        """Well-rated, less-seen movies of ``genre``, in the order this user would like them."""
        base = self.hybrid.base
        pop = base.log_popularity
        rated = pop > 0
        if not rated.any():
            return []
        in_genre = np.array([genre in g for g in self.genres])
        threshold = np.quantile(pop[rated], 0.75)
        gems = in_genre & rated & (pop <= threshold) & (base.quality >= np.quantile(base.quality[rated], 0.6))
        user = self.scores(ratings) if user_scores is None else user_scores
        s = zscore_finite(user) + zscore_finite(base.quality)
        return self._top(s, ratings, exclude=exclude, n=n, candidates=self.item_ids[gems].tolist())

    def similar_movies(self, movie_id: int, *, n: int = 10) -> list[Pick]:
        """Neighbours of one movie; works from content alone for a movie nobody rated."""
        a = self.columns([movie_id])
        if not len(a):
            return []
        sim = self.item_similarity(a)[0]
        sim[a] = -np.inf
        return self._top(sim, {}, exclude=(), n=n)
