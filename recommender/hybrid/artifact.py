"""The trained hybrid as a versioned file on disk, and the ``current`` link naming the active one.

Artefact: one ``.npz`` of plain arrays (no pickle, so loading one runs no code) named
``recommender-<version>.npz`` in a folder, and a ``current`` symlink naming the active
one. ``save_artifact`` writes to a temporary file, fsyncs, renames it into place and
then swaps the symlink with ``os.replace``: a reader sees the old model or the new one,
never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .aspects import AspectScorer
from .base import BaseScorers
from .blend import FEATURES, Hybrid
from .cf import EASE, BiasedMF, CoLiked, ImplicitALS, ItemKNN, UserKNN
from .content import ContentScorer
from .partial import PARTIAL_PARTS, PartialSums
from .people import PeopleScorer
from .serving import ServingModel

FORMAT = 3
# Format 1 had no co-liked or user-kNN scorer, format 2 no people or aspect scorer;
# weights are read by feature name, so a scorer missing from a file gets weight 0.
READABLE_FORMATS = (1, 2, 3)
CURRENT = "current"


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
        **_rating_arrays(model.rating),
    }


def _rating_arrays(rating: BiasedMF | None) -> dict[str, np.ndarray]:
    """The rating predictor's movie side (factors, biases, global mean and options); its users
    are folded in when served, so their factors are not kept."""
    if rating is None:
        return {}
    options = {"mu": rating.mu, "l2": rating.l2, "bias_l2": rating.bias_l2, "scale": list(rating.scale)}
    return {
        "rating_item_factors": rating.q.astype(np.float32),
        "rating_item_bias": rating.bi.astype(np.float32),
        "rating_options": np.frombuffer(json.dumps(options).encode(), dtype=np.uint8),
    }


def _load_rating(arrays: dict[str, np.ndarray]) -> BiasedMF | None:
    """The rating predictor, or None in files written before it was kept."""
    if "rating_item_factors" not in arrays:
        return None
    options = json.loads(arrays["rating_options"].tobytes().decode())
    q = arrays["rating_item_factors"].astype(np.float64)
    rating = BiasedMF(
        factors=q.shape[1], l2=options["l2"], bias_l2=options["bias_l2"], scale=tuple(options["scale"])
    )
    rating.mu, rating.q, rating.bi = float(options["mu"]), q, arrays["rating_item_bias"].astype(np.float64)
    return rating


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


def save_artifact(model: ServingModel, folder: Path, *, activate: bool = True) -> Path:
    """Write ``model`` as ``recommender-<version>.npz`` (``-r<revision>`` after a rewrite without
    some users) and point ``current`` at it, atomically (unless not ``activate``)."""
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
    if activate:
        point_current(folder, final.name)
    return final


def point_current(folder: Path, name: str) -> None:
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
    model.rating = _load_rating(arrays)
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


def current_path(folder: Path) -> Path | None:
    """The file ``current`` points at, or None before the first model."""
    try:
        return Path(folder) / os.readlink(Path(folder) / CURRENT)
    except OSError:
        return None


def prune_artifacts(folder: Path, *, keep: str | None = None) -> list[Path]:
    """Delete every model file but the one ``current`` points at (or ``keep``): serving needs
    no other, and older files hold the ratings of members deleted since. Returns the files
    deleted. (Unfinished ``.part`` files are left to the writer that owns them.)"""
    active = Path(folder) / keep if keep else current_path(folder)
    if active is None:
        return []
    deleted = []
    for path in Path(folder).glob("recommender-*.npz"):
        if path.name != active.name:
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted
