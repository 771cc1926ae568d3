"""The trained hybrid as a versioned file, loaded once per process, answering in milliseconds.

Artefact: one ``.npz`` of plain arrays (no pickle, so loading one runs no code) named
``recommender-<version>.npz`` in a folder, and a ``current`` symlink naming the active
one. ``save_artifact`` writes to a temporary file, fsyncs, renames it into place and
then swaps the symlink with ``os.replace``: a reader sees the old model or the new one,
never half a file. ``load_current`` caches the model per process and reloads only when
``current`` points at a different file.

``ServingModel`` works in the catalogue's own movie ids. A user is given as a dict
``{movie_id: rating}``; their vector is folded in on every call (no retrain), which
is what makes a new rating count within seconds. For the users with the longest
histories the model also keeps, from training, their sums of weight rows
(``blend.PartialSums``, by user id): a call that names the user starts from those and
reads only the rows of ratings added, changed or removed since.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .aspects import AspectScorer
from .blend import FEATURES, LIKED_AT, PARTIAL_PARTS, BaseScorers, Hybrid, PartialSums, k_smallest
from .cf import EASE, CoLiked, ImplicitALS, ItemKNN, UserKNN, one_blas_thread
from .content import ContentScorer
from .people import PeopleScorer

FORMAT = 3
# Format 1 had no co-liked or user-kNN scorer, format 2 no people or aspect scorer;
# weights are read by feature name, so a scorer missing from a file gets weight 0.
READABLE_FORMATS = (1, 2, 3)
CURRENT = "current"

# Explicit feedback is a product rule, not a learned weight: the blend's scores are in
# standard-deviation units, so "more like this" lifts a movie as similar as the anchor
# by about one standard deviation, and a dismissed or panned movie pushes its look-alikes
# down by about as much.
MORE_LIKE_THIS_BOOST = 1.0
DISLIKE_PENALTY = 1.2
# "Because you like films with <person>" needs at least this many of the person's films
# rated by the user, rated LIKED_AT on average and this many stars above the user's mean.
PERSON_REASON_FILMS = 2
PERSON_REASON_MARGIN = 0.25
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
            self.partial_sums = {int(user_ids[u]): self.hybrid.partial_sums(matrix[u]) for u in heavy}
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

    def _row(self, ratings: Mapping[int, float]) -> sp.csr_matrix:
        return self._row_and_rated(ratings)[0]

    def _row_and_rated(self, ratings: Mapping[int, float]) -> tuple[sp.csr_matrix, np.ndarray]:
        """The user's row (non-zero ratings of known movies), and the columns of every known
        movie they rated, which are never recommended back (``_indices(ratings.keys())``)."""
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

    def _indices(self, movie_ids: Iterable[int]) -> np.ndarray:
        cols, known = self._positions(movie_ids)
        return cols[known].astype(np.int64)

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
            self._row(ratings), more_like=more_like, disliked=disliked, aspects=aspects, user_id=user_id
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
            boost = self._indices(more_like)
            if len(boost):
                s += MORE_LIKE_THIS_BOOST * np.clip(self.item_similarity(boost).max(axis=0), 0, None)
            push = self._indices(disliked)
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
        rated = self._indices(ratings.keys()) if rated is None else rated
        blocked = np.concatenate([rated, self._indices(exclude)])
        if candidates is not None:
            allowed = np.zeros(self.n_items, dtype=bool)
            allowed[self._indices(candidates)] = True
            s[~allowed] = -np.inf
        s[blocked.astype(np.int64)] = -np.inf
        n = min(n, int(np.isfinite(s).sum()))
        if n <= 0:
            return []
        return [Pick(int(self.item_ids[i]), float(s[i])) for i in _best_first(s, n)]

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
        a = self._indices([anchor])
        if not len(a):
            return []
        sim = self.item_similarity(a)[0]
        user = self.scores(ratings) if user_scores is None else user_scores
        s = _z(sim) + 0.5 * _z(user)
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
        s = _z(user) + _z(base.quality)
        return self._top(s, ratings, exclude=exclude, n=n, candidates=self.item_ids[gems].tolist())

    def similar_movies(self, movie_id: int, *, n: int = 10) -> list[Pick]:
        """Neighbours of one movie; works from content alone for a movie nobody rated."""
        a = self._indices([movie_id])
        if not len(a):
            return []
        sim = self.item_similarity(a)[0]
        sim[a] = -np.inf
        return self._top(sim, {}, exclude=(), n=n)

    def favourite_people(self, ratings: Mapping[int, float]) -> dict[int, float]:
        """{person column: affinity} for the people whose films this user demonstrably likes:
        at least PERSON_REASON_FILMS of them rated, LIKED_AT on average and clearly above the
        user's own mean (someone in every film they rated is no taste of theirs)."""
        scorer = self.hybrid.base.people
        if scorer is None or scorer.n_people == 0 or not scorer.names:
            return {}
        row = self._row(ratings)
        if row.nnz == 0:
            return {}
        people, affinity, films = scorer.affinities(row.indices, row.data)
        mean = float(row.data.mean())
        # affinity = (sum - k * mean) / (k + shrink), so the person's mean rating is recoverable
        person_mean = affinity * (films + scorer.shrink) / np.maximum(films, 1) + mean
        keep = (
            (films >= PERSON_REASON_FILMS)
            & (person_mean >= LIKED_AT)
            & (person_mean >= mean + PERSON_REASON_MARGIN)
        )
        return dict(zip(people[keep].tolist(), affinity[keep].tolist(), strict=True))

    def reason(
        self,
        ratings: Mapping[int, float],
        movie_id: int,
        *,
        genres: list[str] | None = None,
        people: Mapping[int, float] | None = None,
    ) -> str:
        """One line grounded in the user's own history, e.g.
        "Because you rated Heat 5 stars and like Crime movies", or "Because you like films
        with Michael Mann" when the user rated several of that person's films highly."""
        i = self._index.get(int(movie_id))
        if i is None:
            return "New in the catalogue"
        genres = genres if genres is not None else self.favourite_genres(ratings)
        shared = [g for g in genres if g in self.genres[i]]
        loved = [(m, r) for m, r in ratings.items() if r >= LIKED_AT and int(m) in self._index]
        parts = []
        person = self._favourite_person_in(i, self.favourite_people(ratings) if people is None else people)
        if person:
            parts.append(f"Because you like films with {person}")
        elif loved:
            idx = self._indices([m for m, _ in loved])
            sims = self.item_similarity(np.array([i]))[0][idx]
            best = int(np.argmax(sims))
            if sims[best] > 0.2:
                m, r = loved[best]
                parts.append(f"Because you rated {self.titles[self._index[int(m)]]} {r:g} stars")
        if shared:
            parts.append(("and like " if parts else "Because you like ") + f"{shared[0]} movies")
        if not parts:
            q = self.hybrid.base.quality[i]
            return "Popular and highly rated with members" if q >= 3.8 else "Popular with members"
        return " ".join(parts)

    def _favourite_person_in(self, item: int, people: Mapping[int, float]) -> str:
        """The name of the movie's person the user likes most, or ""."""
        scorer = self.hybrid.base.people
        if not people or scorer is None:
            return ""
        span = slice(scorer.by_movie.indptr[item], scorer.by_movie.indptr[item + 1])
        liked = [(people[j], j) for j in scorer.by_movie.indices[span].tolist() if j in people]
        return scorer.names[max(liked)[1]] if liked else ""


def _best_first(s: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` highest scores, highest first (ties: argpartition's order)."""
    negated = -s
    top = k_smallest(negated, n)
    if top is not None:
        top = top[np.argsort(negated[top], kind="stable")]
        if (np.diff(negated[top]) > 0).all():  # no tie inside either: the only possible order
            return top
    top = np.argpartition(negated, n - 1)[:n]
    return top[np.argsort(negated[top], kind="stable")]


def _z(v: np.ndarray) -> np.ndarray:
    finite = np.isfinite(v)
    if not finite.any():
        return v
    mean, std = v[finite].mean(), v[finite].std()
    return (v - mean) / max(float(std), 1e-6)


# -- artefact on disk ---------------------------------------------------------------
def _arrays(model: ServingModel) -> dict[str, np.ndarray]:
    h = model.hybrid
    b = h.base
    knn = sp.csr_matrix(b.knn.similarity)
    co = sp.csr_matrix(b.co_liked.weights)
    members = sp.csr_matrix(b.user_knn.members)
    loved = sp.csr_matrix(b.user_knn.loved)
    people = b.people if b.people is not None else PeopleScorer(n_items=model.n_items)
    aspects = b.aspects if b.aspects is not None else AspectScorer(n_items=model.n_items)
    meta = {
        "format": FORMAT,
        "version": model.version,
        "features": list(FEATURES),
        "pool_size": h.pool_size,
        "als_l2": b.als.l2,
        "als_alpha": b.als.alpha,
        "als_rating_confidence": b.als.rating_confidence,
        "co_liked": {"shrink": b.co_liked.shrink, "liked_at": b.co_liked.liked_at, "floor": b.co_liked.floor},
        "user_knn": {
            "alpha": b.user_knn.alpha,
            "beta": b.user_knn.beta,
            "floor": b.user_knn.floor,
            "liked_at": b.user_knn.liked_at,
        },
        "people": {"shrink": people.shrink, "names": people.names, "n_people": people.n_people},
        "aspects": {"names": aspects.names},
        "partial_parts": list(PARTIAL_PARTS),
        "revision": model.revision,
        "titles": model.titles,
        "genres": model.genres,
        "metadata": model.metadata,
    }
    return {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "item_ids": model.item_ids,
        "weights": h.weights,
        "thin_weights": getattr(h, "thin_weights", h.weights),
        "ease_items": b.ease.items,
        "ease_weights": b.ease.weights,
        "ease_loved_items": b.ease_loved.items,
        "ease_loved_weights": b.ease_loved.weights,
        "als_item_factors": b.als.item_factors,
        "knn_data": knn.data,
        "knn_indices": knn.indices,
        "knn_indptr": knn.indptr,
        "co_liked_data": co.data,
        "co_liked_indices": co.indices,
        "co_liked_indptr": co.indptr,
        "co_liked_inverse_mass": b.co_liked.inverse_mass,
        "co_liked_base_rate": b.co_liked.base_rate,
        "user_knn_idf": b.user_knn.idf,
        "user_knn_members_data": members.data,
        "user_knn_members_indices": members.indices,
        "user_knn_members_indptr": members.indptr,
        "user_knn_loved_data": loved.data,
        "user_knn_loved_indices": loved.indices,
        "user_knn_loved_indptr": loved.indptr,
        "content": b.content.vectors,
        "log_popularity": b.log_popularity,
        "quality": b.quality,
        "people_indices": people.by_movie.indices,
        "people_indptr": people.by_movie.indptr,
        "aspect_profiles": aspects.profiles,
        **_partial_sums_arrays(model.partial_sums, model.n_items),
        **({"user_knn_member_ids": model.member_ids} if model.member_ids is not None else {}),
    }


def _partial_sums_arrays(kept: Mapping[int, PartialSums], n_items: int) -> dict[str, np.ndarray]:
    """The kept sums as flat arrays: user ids, their rows (csr) and a (users, parts, items) stack."""
    users = list(kept)
    parts = [kept[u] for u in users]
    indptr = np.zeros(len(users) + 1, dtype=np.int64)
    np.cumsum([len(p.items) for p in parts], out=indptr[1:])
    return {
        "partial_user_ids": np.array(users, dtype=np.int64),
        "partial_indptr": indptr,
        "partial_items": np.concatenate([p.items for p in parts]).astype(np.int32)
        if parts
        else np.zeros(0, dtype=np.int32),
        "partial_ratings": np.concatenate([p.ratings for p in parts]).astype(np.float32)
        if parts
        else np.zeros(0, dtype=np.float32),
        "partial_sums": np.stack([p.sums for p in parts])
        if parts
        else np.zeros((0, len(PARTIAL_PARTS), n_items), dtype=np.float32),
    }


def _load_partial_sums(arrays: dict[str, np.ndarray], meta: dict) -> dict[int, PartialSums]:
    """The sums kept in the file (none in files written before they existed, or with other parts)."""
    if "partial_user_ids" not in arrays or meta.get("partial_parts") != list(PARTIAL_PARTS):
        return {}
    indptr, items, ratings = arrays["partial_indptr"], arrays["partial_items"], arrays["partial_ratings"]
    stack = arrays["partial_sums"]
    stack.flags.writeable = False
    return {
        int(u): PartialSums(
            items=items[indptr[k] : indptr[k + 1]],
            ratings=ratings[indptr[k] : indptr[k + 1]],
            sums=stack[k],
        )
        for k, u in enumerate(arrays["partial_user_ids"].tolist())
    }


def save_artifact(model: ServingModel, folder: Path) -> Path:
    """Write ``model`` as ``recommender-<version>.npz`` (``-r<revision>`` after a rewrite without
    some users) and point ``current`` at it, atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-r{model.revision}" if model.revision else ""
    final = folder / f"recommender-{model.version}{suffix}.npz"
    fd, tmp_name = tempfile.mkstemp(prefix=".recommender-", suffix=".npz.part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **_arrays(model))  # type: ignore[arg-type]  # numpy's stub reads the first key as allow_pickle
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, final)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    activate(folder, final.name)
    return final


def activate(folder: Path, name: str) -> None:
    """Point ``folder/current`` at ``name`` with one atomic rename of a fresh symlink."""
    folder = Path(folder)
    if not (folder / name).exists():
        raise FileNotFoundError(folder / name)
    link_tmp = folder / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    link_tmp.unlink(missing_ok=True)
    os.symlink(name, link_tmp)
    os.replace(link_tmp, folder / CURRENT)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_artifact(path: Path) -> ServingModel:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes().decode())
    if meta["format"] not in READABLE_FORMATS:
        raise ValueError(f"{path} has artefact format {meta['format']}, this code reads {READABLE_FORMATS}")
    n_items = len(arrays["item_ids"])
    ease = EASE.__new__(EASE)
    ease.items, ease.weights, ease.n_items = arrays["ease_items"], arrays["ease_weights"], n_items
    ease_loved = EASE.__new__(EASE)
    ease_loved.items, ease_loved.weights = arrays["ease_loved_items"], arrays["ease_loved_weights"]
    ease_loved.n_items = n_items
    als = ImplicitALS(
        rating_confidence=meta["als_rating_confidence"], l2=meta["als_l2"], alpha=meta["als_alpha"]
    )
    als.item_factors = arrays["als_item_factors"]
    als.factors = als.item_factors.shape[1]
    knn = ItemKNN.__new__(ItemKNN)
    knn.similarity = sp.csr_matrix(
        (arrays["knn_data"], arrays["knn_indices"], arrays["knn_indptr"]), shape=(n_items, n_items)
    )
    co_liked = _load_co_liked(arrays, meta, n_items)
    hybrid = Hybrid.__new__(Hybrid)
    hybrid.weights = _by_feature(arrays["weights"], meta["features"])
    hybrid.thin_weights = _by_feature(arrays.get("thin_weights", arrays["weights"]), meta["features"])
    hybrid.pool_size = meta["pool_size"]
    hybrid.base = BaseScorers(
        ease=ease,
        ease_loved=ease_loved,
        als=als,
        knn=knn,
        content=ContentScorer(arrays["content"]),
        log_popularity=arrays["log_popularity"],
        quality=arrays["quality"],
        co_liked=co_liked,
        user_knn=_load_user_knn(arrays, meta, n_items),
        people=_load_people(arrays, meta, n_items),
        aspects=AspectScorer(
            arrays.get("aspect_profiles"), n_items=n_items, names=meta.get("aspects", {}).get("names", [])
        ),
    )
    model = ServingModel(
        hybrid,
        item_ids=arrays["item_ids"],
        titles=meta["titles"],
        genres=meta["genres"],
        version=meta["version"],
        metadata=meta.get("metadata", {}),
    )
    model.partial_sums = _load_partial_sums(arrays, meta)
    if "user_knn_member_ids" in arrays:
        model.member_ids = arrays["user_knn_member_ids"].astype(np.int64)
    model.revision = int(meta.get("revision", 0))
    return model


def _load_co_liked(arrays: dict[str, np.ndarray], meta: dict, n_items: int) -> CoLiked:
    options = meta.get("co_liked", {})
    co_liked = CoLiked(**options)
    if "co_liked_data" in arrays:
        co_liked.weights = sp.csr_matrix(
            (arrays["co_liked_data"], arrays["co_liked_indices"], arrays["co_liked_indptr"]),
            shape=(n_items, n_items),
        )
        co_liked.inverse_mass = arrays["co_liked_inverse_mass"]
        co_liked.base_rate = arrays["co_liked_base_rate"]
    else:  # format 1: an empty scorer, whose weight in the blend is 0 anyway
        co_liked.weights = sp.csr_matrix((n_items, n_items), dtype=np.float32)
        co_liked.inverse_mass = np.zeros(n_items, dtype=np.float32)
        co_liked.base_rate = np.zeros(n_items, dtype=np.float32)
    return co_liked


def _load_user_knn(arrays: dict[str, np.ndarray], meta: dict, n_items: int) -> UserKNN:
    user_knn = UserKNN(**meta.get("user_knn", {}))
    if "user_knn_idf" in arrays:
        loved_indptr = arrays["user_knn_loved_indptr"]
        n_members = len(loved_indptr) - 1
        user_knn.idf = arrays["user_knn_idf"]
        user_knn.members = sp.csr_matrix(
            (
                arrays["user_knn_members_data"],
                arrays["user_knn_members_indices"],
                arrays["user_knn_members_indptr"],
            ),
            shape=(n_items, n_members),
        )
        user_knn.loved = sp.csr_matrix(
            (arrays["user_knn_loved_data"], arrays["user_knn_loved_indices"], loved_indptr),
            shape=(n_members, n_items),
        )
    else:  # older file: no members, so every score is 0 (and so is its weight)
        user_knn.idf = np.zeros(n_items, dtype=np.float32)
        user_knn.members = sp.csr_matrix((n_items, 0), dtype=np.float32)
        user_knn.loved = sp.csr_matrix((0, n_items), dtype=np.float32)
    return user_knn


def _load_people(arrays: dict[str, np.ndarray], meta: dict, n_items: int) -> PeopleScorer:
    options = meta.get("people", {})
    if "people_indptr" not in arrays:  # format 1 or 2: no people, so every score is 0
        return PeopleScorer(n_items=n_items)
    names = options.get("names", [])
    indices = arrays["people_indices"]
    matrix = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, arrays["people_indptr"]),
        shape=(n_items, options.get("n_people", len(names))),
    )
    return PeopleScorer(matrix, names=names, shrink=options.get("shrink", 2.0))


def _by_feature(saved: np.ndarray, names: list[str]) -> np.ndarray:
    """Blend weights (plain then "thin" copies) in this code's FEATURES order; unknown ones 0."""
    n = len(names)
    out = np.zeros(2 * len(FEATURES), dtype=np.float32)
    for i, name in enumerate(names):
        if name in FEATURES:
            j = FEATURES.index(name)
            out[j], out[len(FEATURES) + j] = saved[i], saved[n + i]
    return out


_lock = threading.Lock()
_loaded: dict[str, tuple[str, ServingModel]] = {}


def load_current(folder: Path) -> ServingModel | None:
    """The active model for this process: loaded once, reloaded only after a swap."""
    folder = Path(folder)
    link = folder / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    key = str(folder.resolve())
    cached = _loaded.get(key)
    if cached and cached[0] == target:
        return cached[1]
    with _lock:
        cached = _loaded.get(key)
        if cached and cached[0] == target:
            return cached[1]
        model = load_artifact(folder / target)
        _loaded[key] = (target, model)
        return model


def current_path(folder: Path) -> Path | None:
    """The file ``current`` points at, or None before the first model."""
    try:
        return Path(folder) / os.readlink(Path(folder) / CURRENT)
    except OSError:
        return None


def prune_artifacts(folder: Path) -> list[Path]:
    """Delete every model file but the one ``current`` points at: serving needs no other, and
    older files hold the ratings of members deleted since. Returns the files deleted.
    (Unfinished ``.part`` files are left to the writer that owns them.)"""
    active = current_path(folder)
    if active is None:
        return []
    deleted = []
    for path in Path(folder).glob("recommender-*.npz"):
        if path.name != active.name:
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def forget_loaded() -> None:
    """Drop the per-process cache (tests, and after deleting artefacts)."""
    _loaded.clear()
