"""The recommender model: trained on every rating in the database and swapped in atomically
(``recommender_train``), and its files kept clean (``recommender_forget_users`` rewrites the
served file without deleted members and deletes older files).

What a movie and a member look like to training: the movie's text (``movie_text``), its
credited people, and the aspects reviews praise or criticise.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from community.movies.models import Credit, Movie
from community.reviews.models import Rating
from recommender.hybrid import data as hdata
from recommender.hybrid.artifact import current_path, load_artifact, prune_artifacts, save_artifact
from recommender.hybrid.aspects import mean_aspects
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.cf import BiasedMF
from recommender.hybrid.content import (
    cached_embeddings,
    embeddings_cache_path,
    item_vectors,
    tfidf_text_vectors,
)
from recommender.hybrid.people import people_matrix
from recommender.hybrid.serving import ServingModel
from recommender.models import ModelArtifact, ReviewAnalysis
from recommender.predicted.services import movie_rating_factors_store
from recommender.services.recommendations import model_dir
from recommender.services.training_state import training_marked

log = logging.getLogger(__name__)

# PostgreSQL advisory lock held by whoever writes the model folder (a retrain's swap, a rewrite
# without deleted members), so one never deletes or overwrites the other's file.
MODEL_FILES_LOCK = 7_301_001
# a retrain whose validation NDCG@10 is more than this share below the served model's is kept
# on disk (under REJECTED_DIR of the model folder) but not swapped in
RETRAIN_MAX_DROP = 0.03
REJECTED_DIR = "rejected"


def movie_text(movie: dict) -> str:
    """The text a movie is embedded from: title, year, genres, people and plot."""
    parts = [f"{movie['title']} ({movie['year']})" if movie["year"] else movie["title"]]
    if movie["genres"]:
        parts.append("Genres: " + ", ".join(movie["genres"]))
    if movie["director_names"]:
        parts.append("Directed by " + movie["director_names"])
    if movie["cast_names"]:
        parts.append("Starring " + movie["cast_names"])
    if movie["plot"]:
        parts.append(movie["plot"])
    return ". ".join(parts)


def _catalogue() -> list[dict]:
    movies: dict[int, dict[str, Any]] = {
        m["pk"]: {**m, "genres": []}
        for m in Movie.objects.values("pk", "title", "year", "director_names", "cast_names", "plot")
    }
    for movie_id, name in Movie.genres.through.objects.values_list("movie_id", "genre__name"):
        movies[movie_id]["genres"].append(name)
    return [movies[k] for k in sorted(movies)]


def _credited_people(item_ids: np.ndarray) -> list[list[str]]:
    """Directors and cast of each movie, in the order of ``item_ids`` (writers left out)."""
    names: dict[int, list[str]] = {int(m): [] for m in item_ids.tolist()}
    credits = Credit.objects.filter(role__in=[Credit.Role.DIRECTOR, Credit.Role.CAST]).values_list(
        "movie_id", "person__name"
    )
    for movie_id, name in credits:
        if movie_id in names:
            names[movie_id].append(name)
    return [names[int(m)] for m in item_ids.tolist()]


def _review_aspects(item_ids: np.ndarray, user_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(movie aspect profiles from all analysed reviews, each user's preferences from their
    own, aspect names): mean sentiment per aspect, in the order of the ids given."""
    rows = _aspect_rows(item_ids, user_ids)
    names = sorted({a["aspect"] for _, _, one in rows for a in one or [] if "aspect" in a})
    profiles, preferences = _aspect_means(rows, len(item_ids), len(user_ids), names)
    return profiles, preferences, names


def _aspect_rows(item_ids: np.ndarray, user_ids: np.ndarray) -> list[tuple[int, int, list]]:
    """(item index, user index, aspects) of every analysed review of a movie and user in the frame."""
    item_index = {int(m): i for i, m in enumerate(item_ids.tolist())}
    user_index = {int(u): i for i, u in enumerate(user_ids.tolist())}
    return [
        (item_index.get(movie_id, -1), user_index.get(user_id, -1), aspects or [])
        for movie_id, user_id, aspects in ReviewAnalysis.objects.filter(
            review__hidden_at__isnull=True
        ).values_list("review__movie_id", "review__user_id", "aspects")
    ]


def _aspect_means(
    rows: list[tuple[int, int, list]], n_items: int, n_users: int, names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    by_movie: dict[int, list] = defaultdict(list)
    by_user: dict[int, list] = defaultdict(list)
    for item, user, aspects in rows:
        by_movie[item].append(aspects)
        by_user[user].append(aspects)
    profiles = np.zeros((n_items, len(names)), dtype=np.float32)
    for i in range(n_items):
        if i in by_movie:
            profiles[i] = mean_aspects(by_movie[i], names)
    preferences = np.zeros((n_users, len(names)), dtype=np.float32)
    for u in range(n_users):
        if u in by_user:
            preferences[u] = mean_aspects(by_user[u], names)
    return profiles, preferences


def _aspects_without(item_ids: np.ndarray, user_ids: np.ndarray, names: list[str]):
    """For the blend's validation fit: aspects again, minus the reviews of held-out pairs."""
    rows = _aspect_rows(item_ids, user_ids)

    def without(held_out: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        held = sp.csr_matrix(held_out)
        kept = [r for r in rows if not (r[0] >= 0 and r[1] >= 0 and held[r[1], r[0]] != 0)]
        return _aspect_means(kept, len(item_ids), len(user_ids), names)

    return without


def _embeddings_dir() -> Path:
    return Path(settings.CACHE_DIR) / "embeddings"


def minilm_vectors(texts: list[str]) -> tuple[np.ndarray, str]:
    """MiniLM embeddings of ``texts`` (computed once, then read from the cache) and their kind
    (``minilm:<version>``). Raises when the MiniLM model cannot be loaded."""
    from recommender.llm.embeddings import embed_texts, embedding_version

    version = embedding_version()
    vectors = cached_embeddings(texts, embed_texts, cache_dir=_embeddings_dir(), version=version)
    return vectors, f"minilm:{version}"


def minilm_vectors_ready(texts: list[str]) -> bool:
    """Whether the MiniLM vectors of exactly these texts are cached (reading them takes no model)."""
    from recommender.llm.embeddings import embedding_version

    return embeddings_cache_path(texts, cache_dir=_embeddings_dir(), version=embedding_version()).exists()


def _content_vectors(texts: list[str], *, content: str) -> tuple[np.ndarray, str]:
    """Content vectors and their kind (``tfidf`` or ``minilm:<version>``).

    ``auto``: MiniLM when its vectors of these texts are cached or the served model already
    has MiniLM content (a nightly retrain after films were added or edited), else TF-IDF,
    which takes seconds where MiniLM takes minutes for 9,066 films on 2 cores: a first start
    trains on TF-IDF and upgrades in the background (``recommender_upgrade_content``).
    ``minilm`` computes what is missing, falling back to TF-IDF when MiniLM is unavailable."""
    if content == "auto":
        content = (
            "minilm" if minilm_vectors_ready(texts) or _served_content().startswith("minilm") else "tfidf"
        )
    if content == "minilm":
        try:
            return minilm_vectors(texts)
        except Exception:  # a missing model must not stop a retrain: fall back and say so
            log.exception("MiniLM embeddings unavailable; using TF-IDF for content")
    return tfidf_text_vectors(texts), "tfidf"


def catalogue_texts() -> list[str]:
    """Every movie's text in the order training reads them (by id): what content vectors embed."""
    return [movie_text(m) for m in _catalogue()]


def recommender_train(
    *,
    content: str = "auto",
    progress: Callable[[str], None] | None = None,
    seed: int = 0,
    force: bool = False,
    first_start: bool = False,
) -> ModelArtifact:
    """Train the hybrid on every rating in the database, swap it in atomically, record it.

    Pages keep using the previous model until the new file is complete; the swap is one
    rename of a symlink. The model's held-out validation figures are recorded in its
    metrics; when its validation NDCG@10 falls more than 3% below the served model's (and
    not ``force``), it is recorded inactive with the reason in ``metrics["rejected"]``, its
    file kept under ``rejected/``, and the served model stays. Returns the new
    ``ModelArtifact``. ``content``: ``auto`` (MiniLM when its vectors are cached, else
    TF-IDF), ``minilm`` or ``tfidf``; the kind used is ``metrics["content"]``. While it runs,
    ``training_state.training_running()`` says so.
    """
    with training_marked(content=content):
        return _train(content=content, progress=progress, seed=seed, force=force, first_start=first_start)


def _train(
    *, content: str, progress: Callable[[str], None] | None, seed: int, force: bool, first_start: bool = False
) -> ModelArtifact:
    started = time.perf_counter()
    catalogue = _catalogue()
    ratings = list(Rating.objects.values_list("user_id", "movie_id", "score"))
    if progress:
        progress("data")
    users = np.array([r[0] for r in ratings], dtype=np.int64)
    items = np.array([r[1] for r in ratings], dtype=np.int64)
    values = np.array([float(r[2]) for r in ratings], dtype=np.float32)
    frame = hdata.from_triples(
        users,
        items,
        values,
        titles={m["pk"]: m["title"] for m in catalogue},
        genres={m["pk"]: m["genres"] for m in catalogue},
        years={m["pk"]: m["year"] for m in catalogue},
        name="cinecircle",
    )
    by_id = {m["pk"]: m for m in catalogue}
    texts = [movie_text(by_id[int(i)]) for i in frame.item_ids.tolist()]
    text_vectors, content_kind = _content_vectors(texts, content=content)
    vectors, _ = item_vectors(genres=frame.genres, years=frame.years, text_vectors=text_vectors)
    if progress:
        progress("content")
    movie_people, people_names = people_matrix(_credited_people(frame.item_ids))
    aspect_profiles, user_aspects, aspect_names = _review_aspects(frame.item_ids, frame.user_ids)
    options = dict(getattr(settings, "RECOMMENDER_TRAIN_OPTIONS", {}))
    # the prior blend only until the content upgrade, which always follows a TF-IDF model
    quick = first_start and content_kind == "tfidf"
    if quick:
        options["folds"] = 0
    hybrid = Hybrid(
        content_vectors=vectors,
        movie_people=movie_people,
        people_names=people_names,
        movie_aspects=aspect_profiles,
        aspect_names=aspect_names,
        seed=seed,
        **options,
    ).fit(
        frame.matrix,
        progress=progress,
        user_aspects=user_aspects,
        aspects_without=_aspects_without(frame.item_ids, frame.user_ids, aspect_names),
    )
    # the star-rating predictor behind "You would likely rate this" (predicted ratings); a first
    # start leaves it to the content upgrade: its 15 ALS sweeps took 43 of the 64 s on 2 cores,
    # and a page shows no estimate until a model has one
    rating = None if quick else rating_model(seed=seed).fit(frame.matrix)
    if progress:
        progress("rating model")
    seconds = time.perf_counter() - started
    digest = hashlib.sha256(frame.matrix.data.tobytes() + frame.item_ids.tobytes()).hexdigest()[:8]
    version = timezone.now().strftime("%Y%m%d-%H%M%S-%f") + f"-{digest}"
    metrics = {
        "ratings": int(frame.matrix.nnz),
        "users": int(frame.n_users),
        "movies": int(frame.n_items),
        "content": content_kind,
        "people": len(people_names),
        "aspects": aspect_names,
        "train_seconds": round(seconds, 2),
        "weights": hybrid.describe_weights(),
        "blend": "prior (first start)" if quick else "learned",
        "rating_model": rating is not None,
    }
    metrics["validation"] = hybrid.validation
    model = ServingModel(
        hybrid,
        item_ids=frame.item_ids,
        titles=frame.titles,
        genres=frame.genres,
        version=version,
        metadata=metrics,
    )
    model.rating = rating
    # the longest histories' sums of weight rows, so their refreshes read one vector per part
    metrics["partial_sums_users"] = model.keep_partial_sums(frame.matrix, frame.user_ids)
    # user-kNN members are the training users, in the matrix's row order
    model.member_ids = np.asarray(frame.user_ids, dtype=np.int64)
    with transaction.atomic():
        _model_files_lock()
        previous = (
            ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True)
            .select_for_update()
            .first()
        )
        rejected = None if force else retrain_rejection(metrics, previous.metrics if previous else None)
        if rejected:
            metrics["rejected"] = rejected
            # kept beside the served file for a look, never served: only the newest rejected
            # file stays, and a member's account deletion removes it (it holds their ratings)
            path = save_artifact(model, model_dir() / REJECTED_DIR, activate=False)
        else:
            path = save_artifact(model, model_dir())
        if progress:
            progress("saved")
        if not rejected:
            ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).update(
                is_active=False
            )
        artifact = ModelArtifact.objects.create(
            kind=ModelArtifact.Kind.RECOMMENDER,
            version=version,
            path=str(path),
            is_active=not rejected,
            metrics=metrics,
            created_at=timezone.now(),
        )
        if not rejected:
            movie_rating_factors_store(
                model=model,
                rating_counts=np.diff(sp.csc_matrix(frame.matrix).indptr),
                keep_version=previous.version if previous else None,
            )
    if rejected:
        log.warning("recommender %s not swapped in: %s (kept at %s)", version, rejected, path)
        prune_artifacts(model_dir() / REJECTED_DIR, keep=path.name)
        return artifact
    log.info("recommender %s trained in %.1fs on %s ratings", version, seconds, frame.matrix.nnz)
    # Members who deleted their account while this model trained on their ratings, and the
    # previous model files, go now.
    recommender_forget_users()
    artifact.refresh_from_db()
    return artifact


def rating_model(*, seed: int = 0) -> BiasedMF:
    """The star-rating predictor a retrain fits: the biased-MF part of the 0.908-RMSE rating
    blend (``cf.RatingBlend``), with its options; its item-kNN part keeps dense item-item
    matrices (330 MB each for 9,066 films), too big to serve."""
    return BiasedMF(factors=100, l2=0.12, bias_l2=2.0, seed=seed, scale=(0.5, 5.0))


def retrain_rejection(metrics: dict, previous: dict | None) -> str:
    """Why a retrain must not replace the served model ('' when it may): its held-out
    validation NDCG@10 is more than RETRAIN_MAX_DROP below the served model's."""
    new = (metrics.get("validation") or {}).get("ndcg10")
    old = ((previous or {}).get("validation") or {}).get("ndcg10")
    if new is None or old is None:  # a first model, or one trained before the figures were kept
        return ""
    if new < old * (1 - RETRAIN_MAX_DROP):
        return (
            f"validation NDCG@10 {new:.4f} is {100 * (1 - new / old):.1f}% below the served "
            f"model's {old:.4f} (at most {100 * RETRAIN_MAX_DROP:.0f}% allowed)"
        )
    return ""


def _model_files_lock() -> None:
    """Wait for, then hold until the transaction ends, the lock on the model folder."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MODEL_FILES_LOCK])
    # SQLite (runsite's default) writes one transaction at a time (transaction_mode IMMEDIATE).


def recommender_forget_users(*, user_ids: Iterable[int] = ()) -> int:
    """Take deleted members out of the served model at once, and delete older model files.

    Removes ``user_ids`` whose accounts are gone, and every other user the served file holds
    whose account no longer exists (deleted while a retrain read the ratings, or whose task was
    lost). The file is rewritten without their ratings under the same version (stored rows and
    explanations stay valid) and swapped in atomically; each process loads it at its next
    request. Then only that file is kept. Safe to run twice. Returns how many users were removed.
    """
    from django.contrib.auth import get_user_model

    folder = model_dir()
    removed = 0
    with transaction.atomic():
        _model_files_lock()
        path = current_path(folder)
        if path is None or not path.exists():
            return 0
        model = load_artifact(path)  # a private copy: the cached one keeps serving meanwhile
        held = model.held_user_ids() | {int(u) for u in user_ids}
        existing = set(get_user_model().objects.filter(pk__in=held).values_list("pk", flat=True))
        gone = held - existing
        if gone:
            removed = model.forget_users(gone)
            # a rejected retrain is never served: it goes rather than being rewritten
            for stale in (folder / REJECTED_DIR).glob("recommender-*.npz"):
                stale.unlink(missing_ok=True)
        if removed:
            model.revision += 1
            new_path = save_artifact(model, folder)
            ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, version=model.version).update(
                path=str(new_path)
            )
            log.info("recommender %s rewritten without %s deleted members", model.version, removed)
        prune_artifacts(folder)
    return removed


def served_artifact_exists() -> bool:
    return ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).exists()


def _served_content() -> str:
    """The content vectors of the served model ('' before the first)."""
    served = ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).first()
    return str((served.metrics or {}).get("content", "")) if served else ""


def content_upgrade_due() -> bool:
    """Whether the served model has TF-IDF content and no MiniLM retrain was tried since it was
    served (one the guard kept out counts as tried: the nightly retrain tries again)."""
    served = ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).first()
    if served is None or str((served.metrics or {}).get("content", "")).startswith("minilm"):
        return False
    tried = ModelArtifact.objects.filter(
        kind=ModelArtifact.Kind.RECOMMENDER,
        created_at__gt=served.created_at,
        metrics__content__startswith="minilm",
    )
    return not tried.exists()


def member_ids(user_ids: Iterable[int]) -> list[int]:
    """The members (not imported raters) among ``user_ids``."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return list(
        User.objects.filter(pk__in=list(user_ids), kind=User.Kind.MEMBER).values_list("pk", flat=True)
    )


def active_user_ids() -> list[int]:
    """Users with at least one rating (the ones whose rows a retrain should refresh)."""
    return list(Rating.objects.order_by().values_list("user_id", flat=True).distinct())
