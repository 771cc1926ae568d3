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
   hand. Steps 1-3 run on ``folds`` folds (each its own seeded split and cold users);
   ``robust`` averages their weights, pulls them towards a prior blend as far as the
   left-out folds ask, and falls back to the best single scorer when that beats the
   blend on held-out validation users (``validation`` keeps the figures).
4. Refit the base scorers on all training ratings and keep the learned weights.

Scoring is a weighted sum of standardised scores inside the candidate pool, so it
ranks the whole catalogue for one user in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import robust
from .aspects import AspectScorer
from .base import BaseScorers, item_quality
from .blas import one_blas_thread
from .cf import EASE, CoLiked, ImplicitALS, ItemKNN, UserKNN
from .content import ContentScorer
from .data import holdout_split, reduce_users
from .partial import PartialSums
from .people import PeopleScorer
from .ranking import k_smallest, zscore
from .rows import as_csr32, split_by_rating

COLD_KEEP = 5
# EASE's item-item matrices cover at most this many films, the most rated of those with
# ease_min_count ratings (None: all of them); the others are ranked by the other scorers.
# 2 x 144 MB at most, where a catalogue of 87,000 films would need 2 x 30 GB; ml-latest-small
# has 4,801 films with 3 ratings, so today's model is unchanged. See docs/scaling.md.
EASE_MAX_ITEMS: int | None = 6000
# users x films scored at once while learning the blend (256 users of 9,066 films)
VALIDATION_BATCH_CELLS = 2_400_000
# fold f's validation split and cold users are drawn from seed + FOLD_SEED_STEP * f
FOLD_SEED_STEP = 1000


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


def thinness(rows: sp.csr_matrix) -> np.ndarray:
    """1 for a user with <= COLD_KEEP ratings, falling as 1/n towards 0 for long histories."""
    n = np.diff(as_csr32(rows).indptr).astype(np.float32)
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
        ease_max_items: int | None = EASE_MAX_ITEMS,
        als_factors: int = 32,
        als_iterations: int = 8,
        knn_k: int = 100,
        validation_fraction: float = 0.2,
        cold_share: float = 0.3,
        pool_size: int = 100,
        folds: int = 3,
        guard: bool = True,
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
        self.ease_max_items = ease_max_items
        self.als_factors = als_factors
        self.als_iterations = als_iterations
        self.knn_k = knn_k
        self.validation_fraction = validation_fraction
        self.cold_share = cold_share
        self.pool_size = pool_size
        self.folds = folds
        self.guard = guard
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
            ("ease", lambda: self._ease(self.ease_l2).fit(train)),
            # EASE on loved movies only: "people who loved these also loved", the held-out target
            (
                "ease_loved",
                lambda: self._ease(self.ease_l2 / 2).fit(split_by_rating(train)[0]),
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

    def _ease(self, l2: float) -> EASE:
        # getattr: a hybrid unpickled from before the cap existed has no ease_max_items
        return EASE(l2=l2, min_count=self.ease_min_count, max_items=getattr(self, "ease_max_items", None))

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
        folds = []
        for f in range(self.folds):  # 0: the prior blend (a site's first model, services)
            examples = self._fold_examples(
                train, self.seed + FOLD_SEED_STEP * f, progress, user_aspects, aspects_without
            )
            if robust.learnable(examples):
                folds.append(examples)
        prior = prior_weights()
        if folds:
            x = np.vstack([e[0] for examples in folds for e in examples])
            # A people or aspects column that is 0 everywhere (no credits, no reviews) is left
            # out of the fits, not just given weight 0: sklearn's solver and the ascent then
            # see exactly the columns they saw before those features existed (with the zero
            # columns in, lbfgs ended elsewhere and ml-100k lost 0.01 NDCG@10).
            keep = _active_columns(x)
            del x
            learned = [robust.learn_fold(examples, keep, len(FEATURES)) for examples in folds]
            choice = robust.choose_blend(folds, learned, prior=prior, names=list(FEATURES), guard=self.guard)
            self.weights, self.thin_weights = choice.weights, choice.thin_weights
            self.validation = choice.figures
        else:
            # Too little data to learn from (a brand-new site), or no folds asked: the prior blend.
            self.weights = prior
            self.thin_weights = prior.copy()
            self.validation = {"folds": 0, "ndcg10": None, "fell_back": False}
        del folds
        if progress:
            progress("blend")
        self.base = self.fit_base(train, progress)
        return self

    def _fold_examples(self, train, seed, progress, user_aspects, aspects_without):
        """One fold: a seeded validation split of ``train``, a seeded share of its users cut
        to COLD_KEEP fit ratings, the base scorers fitted on the rest, and the examples."""
        rng = np.random.default_rng(seed)
        fit_part, validation = holdout_split(train, fraction=self.validation_fraction, seed=seed + 1)
        n_users = train.shape[0]
        cold = rng.choice(n_users, size=int(self.cold_share * n_users), replace=False)
        fit_part = reduce_users(fit_part, cold, keep=COLD_KEEP, seed=seed + 2)
        fit_profiles = None
        if aspects_without is not None:
            fit_profiles, user_aspects = aspects_without(validation)
        base = self.fit_base(fit_part, progress, movie_aspects=fit_profiles)
        return self._validation_examples(base, fit_part, validation, user_aspects)

    def _validation_examples(self, base, fit_part, validation, user_aspects=None):
        """Per validation user: (features of pooled candidates, labels, ideal DCG@10, thin?)."""
        examples = []
        discounts = 1.0 / np.log2(np.arange(2, 12))
        users = np.flatnonzero(np.diff(validation.indptr) > 0)
        # A batch holds (users, films, 28) float32 features: 260 MB for 256 users and 9,066
        # films; fewer users per batch past that keep it there for bigger catalogues.
        size = max(16, min(256, VALIDATION_BATCH_CELLS // max(1, fit_part.shape[1])))
        for start in range(0, len(users), size):
            batch = users[start : start + size]
            rows = fit_part[batch]
            prefs = None if user_aspects is None else user_aspects[batch]
            # without use_people the people column is 0, so its learned weight is 0
            scores = base.scores(rows, people=self.use_people, aspects=prefs)
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
    def pool(self, scores: dict[str, np.ndarray], rows: sp.csr_matrix) -> np.ndarray:
        """Candidates: the union of each scorer's top ``pool_size`` unseen items."""
        rows = as_csr32(rows)
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
        z = np.stack([zscore(scores[name]) for name in FEATURES], axis=-1)
        thin = thinness(rows)[:, None, None]
        return np.concatenate([z, z * thin], axis=-1)

    def features(self, base: BaseScorers, rows: sp.csr_matrix) -> np.ndarray:
        return self._features_from(base.scores(rows), rows)

    def score(
        self, rows: sp.csr_matrix, *, aspects: np.ndarray | None = None, partial: PartialSums | None = None
    ) -> np.ndarray:
        """Blended scores of every item for each row; ``aspects`` and ``partial`` as in
        ``BaseScorers.scores``."""
        rows = as_csr32(rows)
        thin_weights = getattr(self, "thin_weights", self.weights)
        n = len(FEATURES)
        p = FEATURES.index("people")
        uses_people = any(w[p] or w[n + p] for w in (self.weights, thin_weights))
        scores = self.base.scores(rows, people=uses_people, aspects=aspects, partial=partial)
        thin = np.diff(rows.indptr) <= 2 * COLD_KEEP
        # The same as features @ weights, without building the (users, items, 2F) array.
        priors = self.base.standardised_priors()
        own = [name for name in FEATURES if name not in priors]
        # the user-dependent scores standardised in one call over a (features, users, items) stack
        standardised = dict(zip(own, zscore(np.stack([scores[name] for name in own])), strict=True))
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


def prior_weights() -> np.ndarray:
    """The blend a brand-new site starts from, and the one learned blends are pulled towards:
    EASE first, then content, popularity (more so for thin profiles) and quality."""
    weights = np.zeros(2 * len(FEATURES), dtype=np.float32)
    for name, w in (("ease", 1.0), ("content", 0.5), ("popularity", 0.5), ("quality", 0.3)):
        weights[FEATURES.index(name)] = w
    weights[len(FEATURES) + FEATURES.index("popularity")] = 0.5
    return weights


def _active_columns(x: np.ndarray) -> np.ndarray:
    """Columns of the (examples, 2F) features to learn from: all but the plain and thin
    copies of an optional feature that is 0 in every example."""
    n = len(FEATURES)
    idle = [FEATURES.index(f) for f in OPTIONAL_FEATURES if not x[:, FEATURES.index(f)].any()]
    drop = set(idle) | {n + i for i in idle}
    return np.array([c for c in range(x.shape[1]) if c not in drop], dtype=np.int64)
