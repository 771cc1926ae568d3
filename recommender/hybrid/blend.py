"""The hybrid: several scorers blended with weights learned on a validation split.

Training (``Hybrid.fit``):
1. Split the training ratings again per user (seeded): a fit part and a validation
   part. A seeded share of users is also cut down to a handful of fit ratings, so the
   blend sees cold-start users and learns how much to lean on content and popularity
   when a profile is thin.
2. Fit every base scorer on the fit part. For each validation user, pool candidates
   (the union of each scorer's top ``pool_size`` unseen items) and compute features:
   each scorer's score standardised within the user (z-score over the catalogue), and
   the same times a "thin profile" factor. EASE and ItemKNN are also scored from the
   user's loved and disliked movies separately, so ratings (not only "watched") count.
   ``PeopleScorer`` adds the user's affinity to each movie's director and cast when
   ``use_people`` is set (off by default: the blend gave it ~0.3 and it lowered held-out
   NDCG@10 on ml-latest-small from 0.2979 to 0.2921 and on ml-100k from 0.3949 to 0.3923,
   raising the 5-rating users' only from 0.1015 to 0.1022; off, it still grounds
   reasons), and
   ``AspectScorer`` what the user's own reviews value against what reviews say of each
   movie (all 0 without reviews, as on MovieLens).
   Two scorers carry most of a five-rating profile: ``CoLiked`` ("members who loved X
   also loved Y", which keeps Y's popularity) and ``UserKNN`` (members who share
   several of the user's movies).
3. Learn the weights: a logistic regression (label: the held-out movie was rated >= 4)
   gives the starting point, then coordinate ascent maximises validation NDCG@10
   directly (Metzler & Croft 2007). Thin profiles (<= 10 ratings) get a second weight
   vector: a logistic regression on the thin validation users alone. No weight is set by
   hand.
4. Refit the base scorers on all training ratings and keep the learned weights.

Scoring is a weighted sum of standardised scores inside the candidate pool, so it
ranks the whole catalogue for one user in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .aspects import AspectScorer
from .cf import EASE, CoLiked, ImplicitALS, ItemKNN, UserKNN, one_blas_thread
from .content import ContentScorer
from .data import holdout_split, reduce_users
from .people import PeopleScorer

COLD_KEEP = 5


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
                "popularity": _zscore(self.log_popularity[None, :]),
                "quality": _zscore(self.quality[None, :]),
            }
            self._standardised_priors = cached
        return cached


FEATURES = (
    "ease",
    "ease_liked",
    "ease_disliked",
    "ease_loved",
    "als",
    "knn",
    "knn_liked",
    "co_liked",
    "user_knn",
    "content",
    "popularity",
    "quality",
    # last: coordinate ascent visits the features in this order, so with no people or no
    # reviews known (a zero column) every other weight is learned as before they existed
    "people",
    "aspects",
)
LIKED_AT = 4.0
DISLIKED_AT = 2.5


def split_by_rating(rows: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(loved rows, disliked rows): ratings >= LIKED_AT and <= DISLIKED_AT."""
    rows = sp.csr_matrix(rows, dtype=np.float32)
    return _select(rows, rows.data >= LIKED_AT), _select(rows, rows.data <= DISLIKED_AT)


def _select(rows: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The stored cells of ``rows`` where ``keep`` is true (no sparse arithmetic: serving
    time goes on scipy's per-operation overhead, not on the few hundred cells)."""
    n = rows.shape[0]
    if n == 1:
        indptr = np.array([0, int(keep.sum())], dtype=rows.indptr.dtype)
    else:
        row_of = np.repeat(np.arange(n), np.diff(rows.indptr))
        indptr = np.zeros(n + 1, dtype=rows.indptr.dtype)
        np.cumsum(np.bincount(row_of[keep], minlength=n), out=indptr[1:])
    return sp.csr_matrix((rows.data[keep], rows.indices[keep], indptr), shape=rows.shape)


def _csr32(rows) -> sp.csr_matrix:
    """``rows`` as a float32 csr matrix, itself if it is one (a fresh wrapper costs ~15 us,
    and one user's scoring asked for four)."""
    if isinstance(rows, sp.csr_matrix) and rows.dtype == np.float32:
        return rows
    return sp.csr_matrix(rows, dtype=np.float32)


def _split(row: sp.csr_matrix, masks: list[np.ndarray]) -> sp.csr_matrix:
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


def _one_row_each(scores: np.ndarray) -> list[np.ndarray]:
    return [scores[i : i + 1] for i in range(scores.shape[0])]


def k_smallest(values: np.ndarray, k: int) -> np.ndarray | None:
    """Indices (ascending) of the ``k`` smallest of a 1-D array, or None when a tie at the
    cut leaves the choice to ``np.argpartition``.

    When the k-th smallest value is strictly below the next one the set is the same
    whichever way it is found. A threshold from every 8th value narrows the search to a
    few hundred candidates: five times faster than ``argpartition`` over 9,000 items.
    """
    n = len(values)
    if not 0 < k < n // 16:
        return None
    sample = values[::8]
    j = k // 4 + 4  # about 2k values of the whole array lie below the sample's j-th smallest
    threshold = np.partition(sample, j)[j]
    candidates = np.flatnonzero(values <= threshold)
    if not k < len(candidates) <= 8 * k:  # too few, or a big tie at the threshold
        return None
    picked = values[candidates]
    cut = np.partition(picked, [k - 1, k])
    if not cut[k - 1] < cut[k]:
        return None
    return candidates[picked <= cut[k - 1]]


def item_quality(train: sp.csr_matrix, *, prior_count: float = 10.0) -> np.ndarray:
    """Mean rating of each item shrunk towards the global mean (a Bayesian average)."""
    train = sp.csr_matrix(train)
    counts = np.diff(train.tocsc().indptr).astype(np.float64)
    sums = np.asarray(train.sum(axis=0)).ravel()
    mu = float(train.data.mean()) if train.nnz else 0.0
    return ((sums + prior_count * mu) / (counts + prior_count)).astype(np.float32)


def _zscore(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    centred = m - m.mean(axis=-1, keepdims=True)
    # what m.std(axis=-1) computes, without taking the mean a second time
    std = np.sqrt(np.square(centred).mean(axis=-1, keepdims=True))
    return np.divide(centred, np.maximum(std, 1e-6), out=centred)


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
        row = _csr32(row)
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


def thinness(rows: sp.csr_matrix) -> np.ndarray:
    """1 for a user with <= COLD_KEEP ratings, falling as 1/n towards 0 for long histories."""
    n = np.diff(_csr32(rows).indptr).astype(np.float32)
    return COLD_KEEP / np.maximum(n, COLD_KEEP)


# held-out (user, movie) pairs -> (movie aspect profiles, user aspect preferences) without them
AspectsWithout = Callable[[sp.csr_matrix], tuple[np.ndarray, np.ndarray]]


class Hybrid:
    name = "Hybrid"

    def __init__(
        self,
        *,
        content_vectors: np.ndarray,
        movie_people: sp.spmatrix | None = None,
        people_names: list[str] | tuple[str, ...] = (),
        people_shrink: float = 2.0,
        use_people: bool = False,
        movie_aspects: np.ndarray | None = None,
        aspect_names: list[str] | tuple[str, ...] = (),
        ease_l2: float = 300.0,
        ease_min_count: int = 3,
        als_factors: int = 32,
        als_iterations: int = 8,
        knn_k: int = 100,
        validation_fraction: float = 0.2,
        cold_share: float = 0.3,
        pool_size: int = 100,
        seed: int = 0,
    ):
        self.content_vectors = np.asarray(content_vectors, dtype=np.float32)
        self.movie_people = movie_people
        self.people_names = list(people_names)
        self.people_shrink = people_shrink
        self.use_people = use_people
        self.movie_aspects = movie_aspects
        self.aspect_names = list(aspect_names)
        self.ease_l2 = ease_l2
        self.ease_min_count = ease_min_count
        self.als_factors = als_factors
        self.als_iterations = als_iterations
        self.knn_k = knn_k
        self.validation_fraction = validation_fraction
        self.cold_share = cold_share
        self.pool_size = pool_size
        self.seed = seed

    # -- training -----------------------------------------------------------------
    def fit_base(
        self,
        train: sp.csr_matrix,
        progress: Callable[[str], None] | None = None,
        movie_aspects: np.ndarray | None = None,
    ) -> BaseScorers:
        """Every base scorer fitted on ``train``; ``movie_aspects`` replaces the movies'
        aspect profiles for this fit (the validation fit's, without the held-out reviews)."""
        timings = {}
        steps = [
            ("ease", lambda: EASE(l2=self.ease_l2, min_count=self.ease_min_count).fit(train)),
            # EASE on loved movies only: "people who loved these also loved", the held-out target
            (
                "ease_loved",
                lambda: EASE(l2=self.ease_l2 / 2, min_count=self.ease_min_count).fit(
                    split_by_rating(train)[0]
                ),
            ),
            (
                "als",
                lambda: ImplicitALS(
                    factors=self.als_factors, iterations=self.als_iterations, seed=self.seed
                ).fit(train),
            ),
            ("knn", lambda: ItemKNN(k=self.knn_k).fit(train)),
            ("co_liked", lambda: CoLiked().fit(train)),
            ("user_knn", lambda: UserKNN().fit(train)),
        ]
        fitted: dict[str, Any] = {}
        for name, make in steps:
            start = time.perf_counter()
            fitted[name] = make()
            timings[name] = time.perf_counter() - start
            if progress:
                progress(name)
        counts = np.diff(sp.csr_matrix(train).tocsc().indptr).astype(np.float32)
        return BaseScorers(
            ease=fitted["ease"],
            ease_loved=fitted["ease_loved"],
            als=fitted["als"],
            knn=fitted["knn"],
            content=ContentScorer(self.content_vectors),
            log_popularity=np.log1p(counts),
            quality=item_quality(train),
            co_liked=fitted["co_liked"],
            user_knn=fitted["user_knn"],
            people=PeopleScorer(
                self.movie_people,
                n_items=train.shape[1],
                names=self.people_names,
                shrink=self.people_shrink,
            ),
            aspects=AspectScorer(
                self.movie_aspects if movie_aspects is None else movie_aspects,
                n_items=train.shape[1],
                names=self.aspect_names,
            ),
            timings=timings,
        )

    def fit(
        self,
        train: sp.csr_matrix,
        progress: Callable[[str], None] | None = None,
        *,
        user_aspects: np.ndarray | None = None,
        aspects_without: AspectsWithout | None = None,
    ) -> Hybrid:
        """``user_aspects``: (users, aspects) preferences from each training user's own
        reviews, in the order of ``aspect_names`` (None: no reviews).

        ``aspects_without(held_out)``: the (movie profiles, user preferences) computed again
        without the reviews of the held-out (user, movie) pairs, the nonzeros of
        ``held_out``. The blend is learned on those, so a member's review of a validation
        movie never tells the aspects feature the answer; the final model keeps the
        profiles from every review."""
        # One BLAS thread: on a shared 2-core machine OpenBLAS threads made this 2.5x slower
        # (ml-latest-small 60 s against 24 s), even for the EASE inversion.
        with one_blas_thread():
            return self._fit(train, progress, user_aspects, aspects_without)

    def _fit(
        self,
        train: sp.csr_matrix,
        progress: Callable[[str], None] | None,
        user_aspects: np.ndarray | None,
        aspects_without: AspectsWithout | None = None,
    ) -> Hybrid:
        train = sp.csr_matrix(train, dtype=np.float32)
        rng = np.random.default_rng(self.seed)
        fit_part, validation = holdout_split(train, fraction=self.validation_fraction, seed=self.seed + 1)
        n_users = train.shape[0]
        cold = rng.choice(n_users, size=int(self.cold_share * n_users), replace=False)
        fit_part = reduce_users(fit_part, cold, keep=COLD_KEEP, seed=self.seed + 2)
        fit_profiles = None
        if aspects_without is not None:
            fit_profiles, user_aspects = aspects_without(validation)
        base = self.fit_base(fit_part, progress, movie_aspects=fit_profiles)
        examples = self._validation_examples(base, fit_part, validation, user_aspects)
        if examples:
            x = np.vstack([e[0] for e in examples])
            y = np.concatenate([e[1] for e in examples])
        if examples and 0 < y.sum() < len(y):
            # A people or aspects column that is 0 everywhere (no credits, no reviews) is left
            # out of the fits, not just given weight 0: sklearn's solver and the ascent then
            # see exactly the columns they saw before those features existed (with the zero
            # columns in, lbfgs ended elsewhere and ml-100k lost 0.01 NDCG@10).
            keep = _active_columns(x)
            kept = [(e[0][:, keep], *e[1:]) for e in examples]
            self.weights = np.zeros(x.shape[1], dtype=np.float32)
            self.weights[keep] = _coordinate_ascent(kept, _fit_logistic(x[:, keep], y))
            self.thin_weights = self._fit_thin([e for e in examples if e[3]], keep)
        else:
            # Too little data to learn from (a brand-new site): a plain prior blend.
            self.weights = np.zeros(2 * len(FEATURES), dtype=np.float32)
            for name, w in (("ease", 1.0), ("content", 0.5), ("popularity", 0.5), ("quality", 0.3)):
                self.weights[FEATURES.index(name)] = w
            self.weights[len(FEATURES) + FEATURES.index("popularity")] = 0.5
            self.thin_weights = self.weights.copy()
        if progress:
            progress("blend")
        self.base = self.fit_base(train, progress)
        return self

    def _fit_thin(self, examples, keep: np.ndarray) -> np.ndarray:
        """A second blend for thin profiles (<= 2 x COLD_KEEP ratings), learned on those alone.

        A logistic regression on the plain standardised scores (the "thin" copies are
        nearly collinear with them when every profile is thin) and no coordinate ascent:
        with a few hundred thin validation users, ascent on their NDCG fits noise (it
        lost NDCG on held-out cold users on both MovieLens sets).
        """
        y = np.concatenate([e[1] for e in examples]) if examples else np.zeros(0)
        if len(examples) < 20 or not 0 < y.sum() < len(y):
            return self.weights.copy()
        plain = keep[keep < len(FEATURES)]
        weights = np.zeros(2 * len(FEATURES), dtype=np.float32)
        weights[plain] = _fit_logistic(np.vstack([e[0][:, plain] for e in examples]), y)
        return weights / max(1e-9, float(np.abs(weights).max()))

    def _validation_examples(self, base, fit_part, validation, user_aspects=None):
        """Per validation user: (features of pooled candidates, labels, ideal DCG@10, thin?)."""
        examples = []
        discounts = 1.0 / np.log2(np.arange(2, 12))
        users = np.flatnonzero(np.diff(validation.indptr) > 0)
        for start in range(0, len(users), 256):
            batch = users[start : start + 256]
            rows = fit_part[batch]
            prefs = None if user_aspects is None else user_aspects[batch]
            # without use_people the people column is 0, so its learned weight is 0
            scores = self.base_scores(base, rows, people=self.use_people, aspects=prefs)
            feats = self._features_from(scores, rows)
            pool = self.pool(scores, rows)
            thin = np.diff(rows.indptr) <= 2 * COLD_KEEP
            for j, u in enumerate(batch):
                val = validation[u]
                positives = val.indices[val.data >= 4]
                if len(positives) == 0:
                    continue
                items = np.flatnonzero(pool[j])
                labels = np.isin(items, positives).astype(np.float32)
                ideal = discounts[: min(len(positives), 10)].sum()
                examples.append((feats[j, items], labels, ideal, bool(thin[j])))
        return examples

    # -- scoring ------------------------------------------------------------------
    def base_scores(
        self,
        base: BaseScorers,
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
        rows = _csr32(rows)
        is_liked, is_disliked = rows.data >= LIKED_AT, rows.data <= DISLIKED_AT
        is_middle = ~is_liked & ~is_disliked
        liked, disliked = _select(rows, is_liked), _select(rows, is_disliked)
        # EASE and ItemKNN are linear in the "rated" indicator: scoring the loved, the
        # disliked and the rest separately and adding them up reads every weight row once.
        kept = partial.now(base, rows) if partial is not None and n == 1 else None
        if kept is not None:
            # A long history with its sums kept at fit time: no weight row of an unchanged rating is read.
            ease_liked, ease_disliked, ease_middle, ease_loved, knn_liked, knn_rest, co_sums = _one_row_each(
                kept
            )
        elif n == 1:
            # Serving: one product per scorer for all the parts of the user's row.
            ease_liked, ease_disliked, ease_middle = _one_row_each(
                base.ease.score(_split(rows, [is_liked, is_disliked, is_middle]))
            )
            knn_liked, knn_rest = _one_row_each(base.knn.score(_split(rows, [is_liked, ~is_liked])))
        else:
            ease_liked, ease_disliked = base.ease.score(liked), base.ease.score(disliked)
            ease_middle = base.ease.score(_select(rows, is_middle))
            knn_liked, knn_rest = base.knn.score(liked), base.knn.score(_select(rows, ~is_liked))
        return {
            "ease": ease_liked + ease_disliked + ease_middle,
            "ease_liked": ease_liked,
            "ease_disliked": ease_disliked,
            "ease_loved": base.ease_loved.score(liked) if kept is None else ease_loved,
            "als": base.als.score(rows),
            "knn": knn_liked + knn_rest,
            "knn_liked": knn_liked,
            "co_liked": base.co_liked.score(rows, vote_sums=None if kept is None else co_sums[0]),
            "user_knn": base.user_knn.score(rows),
            "content": base.content.score(rows),
            "popularity": np.broadcast_to(base.log_popularity, (n, len(base.log_popularity))),
            "quality": np.broadcast_to(base.quality, (n, len(base.quality))),
            "people": (
                base.people.score(rows)
                if people and base.people is not None
                else np.zeros(rows.shape, dtype=np.float32)
            ),
            "aspects": (
                base.aspects.score(aspects, n)
                if aspects is not None and base.aspects is not None
                else np.zeros(rows.shape, dtype=np.float32)
            ),
        }

    def partial_sums(self, row: sp.csr_matrix) -> PartialSums:
        """One user's sums of weight rows (``PartialSums``), computed by the same code and in
        the same order as ``base_scores`` computes them for one user, so the scores of an
        unchanged row are the same to the bit."""
        row = _csr32(row).sorted_indices()
        base = self.base
        is_liked, is_disliked = row.data >= LIKED_AT, row.data <= DISLIKED_AT
        is_middle = ~is_liked & ~is_disliked
        votes = base.co_liked.votes(row.data)
        voting = votes != 0
        sums = np.vstack(
            [
                base.ease.score(_split(row, [is_liked, is_disliked, is_middle])),
                base.ease_loved.score(_select(row, is_liked)),
                base.knn.score(_split(row, [is_liked, ~is_liked])),
                base.co_liked.vote_sums(row.indices[voting], votes[voting]),
            ]
        ).astype(np.float32)
        sums.flags.writeable = False
        return PartialSums(items=row.indices.astype(np.int32), ratings=row.data.copy(), sums=sums)

    def pool(self, scores: dict[str, np.ndarray], rows: sp.csr_matrix) -> np.ndarray:
        """Candidates: the union of each scorer's top ``pool_size`` unseen items."""
        rows = _csr32(rows)
        n, n_items = rows.shape
        stored = rows.data != 0  # the cells rows.nonzero() names, without its copy to coo
        seen_at = (np.repeat(np.arange(n), np.diff(rows.indptr))[stored], rows.indices[stored])
        seen = np.zeros((n, n_items), dtype=bool)
        seen[seen_at] = True
        mask = np.zeros((n, n_items), dtype=bool)
        size = min(self.pool_size, n_items - 1)
        for name in ("ease", "als", "knn", "co_liked", "user_knn", "content", "popularity"):
            negated = np.negative(scores[name], dtype=np.float32)
            negated[seen_at] = np.inf  # seen items sort last
            for r in range(n):
                top = k_smallest(negated[r], size)
                if top is None:  # a tie at the cut: argpartition's choice, as always
                    top = np.argpartition(negated[r], size)[:size]
                mask[r, top] = True
        return mask & ~seen

    def _features_from(self, scores: dict[str, np.ndarray], rows: sp.csr_matrix) -> np.ndarray:
        z = np.stack([_zscore(scores[name]) for name in FEATURES], axis=-1)
        thin = thinness(rows)[:, None, None]
        return np.concatenate([z, z * thin], axis=-1)

    def features(self, base: BaseScorers, rows: sp.csr_matrix) -> np.ndarray:
        return self._features_from(self.base_scores(base, rows), rows)

    def score(
        self, rows: sp.csr_matrix, *, aspects: np.ndarray | None = None, partial: PartialSums | None = None
    ) -> np.ndarray:
        """Blended scores of every item for each row; ``aspects`` and ``partial`` as in
        ``base_scores``."""
        rows = _csr32(rows)
        thin_weights = getattr(self, "thin_weights", self.weights)
        n = len(FEATURES)
        p = FEATURES.index("people")
        uses_people = any(w[p] or w[n + p] for w in (self.weights, thin_weights))
        scores = self.base_scores(self.base, rows, people=uses_people, aspects=aspects, partial=partial)
        thin = np.diff(rows.indptr) <= 2 * COLD_KEEP
        # The same as features @ weights, without building the (users, items, 2F) array.
        priors = self.base.standardised_priors()
        own = [name for name in FEATURES if name not in priors]
        # the user-dependent scores standardised in one call over a (features, users, items) stack
        standardised = dict(zip(own, _zscore(np.stack([scores[name] for name in own])), strict=True))
        z = [priors[name] if name in priors else standardised[name] for name in FEATURES]
        factor = thinness(rows)[:, None]

        def blend(w: np.ndarray) -> np.ndarray:
            total = np.zeros(rows.shape, dtype=np.float32)
            for i, zi in enumerate(z):
                if w[i] or w[n + i]:
                    total += zi * (w[i] + w[n + i] * factor)
            return total

        blended = blend(thin_weights) if thin.all() else blend(self.weights)
        if thin.any() and not thin.all():
            blended[thin] = blend(thin_weights)[thin]
        pool = self.pool(scores, rows)
        # Outside the candidate pool the blend was never trained: rank those items last.
        return np.where(pool, blended, blended.min(axis=1, keepdims=True) - 1.0 - np.abs(blended))

    def describe_weights(self) -> dict[str, float]:
        names = list(FEATURES) + [f"{f}*thin" for f in FEATURES]
        return {n: round(float(w), 4) for n, w in zip(names, self.weights, strict=True)}


OPTIONAL_FEATURES = ("people", "aspects")


def _active_columns(x: np.ndarray) -> np.ndarray:
    """Columns of the (examples, 2F) features to learn from: all but the plain and thin
    copies of an optional feature that is 0 in every example."""
    n = len(FEATURES)
    idle = [FEATURES.index(f) for f in OPTIONAL_FEATURES if not x[:, FEATURES.index(f)].any()]
    drop = set(idle) | {n + i for i in idle}
    return np.array([c for c in range(x.shape[1]) if c not in drop], dtype=np.int64)


def _ndcg(examples, w: np.ndarray) -> float:
    """Mean validation NDCG@10 of the blend ``w`` over the examples' users."""
    discounts = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    for x, labels, ideal, _thin in examples:
        s = x @ w
        k = min(10, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        total += float((labels[top] * discounts[:k]).sum() / ideal)
    return total / max(1, len(examples))


def _coordinate_ascent(examples, start: np.ndarray, *, passes: int = 3) -> np.ndarray:
    """Tune the weights one at a time to maximise validation NDCG@10 (Metzler & Croft 2007)."""
    w = start / max(1e-9, np.abs(start).max())
    best = _ndcg(examples, w)
    for _ in range(passes):
        improved = False
        for f in range(len(w)):
            for step in (-0.5, -0.2, -0.05, 0.05, 0.2, 0.5):
                trial = w.copy()
                trial[f] += step
                value = _ndcg(examples, trial)
                if value > best + 1e-5:
                    best, w, improved = value, trial, True
        if not improved:
            break
    return w.astype(np.float32)


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=500)
    model.fit(x, y)
    return model.coef_.ravel().astype(np.float32)
