"""Ranking movies for a user: stored rows with reasons, feedback, and full retrains.

The maths lives in ``recommender.hybrid`` (plain arrays); this module is the bridge to
the database. Pages never run a model: they read the rows ``recommendations_refresh``
stores (``recommender.selectors``).

What a user's history says, as the model sees it:
- a rating counts as given, nudged by the sentiment of the user's review of the same
  movie (a glowing review makes a 3.5 say a little more, a scathing one a little less);
- a review without a rating counts as an implied rating from its sentiment;
- a negative review, a rating of 2 or less, and "Not interested" push look-alike movies
  down; "More like this" pulls them up; dismissed and rated movies are never shown;
- the aspects the user's reviews praise or criticise (story, acting...) meet what all
  reviews say of each movie, with the weight the blend learned for them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from community.core import pagecache
from community.movies.models import Credit, Movie
from community.reviews.models import Rating
from recommender.hybrid import data as hdata
from recommender.hybrid.artifact import current_path, load_artifact, prune_artifacts, save_artifact
from recommender.hybrid.aspects import mean_aspects
from recommender.hybrid.blend import Hybrid
from recommender.hybrid.cache import load_current
from recommender.hybrid.content import cached_embeddings, item_vectors, tfidf_text_vectors
from recommender.hybrid.people import people_matrix
from recommender.hybrid.reasons import favourite_people, reason_for
from recommender.hybrid.serving import ServingModel
from recommender.models import ModelArtifact, Recommendation, RecommendationFeedback, ReviewAnalysis

log = logging.getLogger(__name__)

ROW_SIZE = 12
ANCHORS = 2
SENTIMENT_NUDGE = 0.5  # stars a fully positive/negative review adds to / takes from its rating
DISLIKED_RATING = 2.0
MODEL_NAME = "hybrid-ease-als-knn-content"
# PostgreSQL advisory lock held by whoever writes the model folder (a retrain's swap, a rewrite
# without deleted members), so one never deletes or overwrites the other's file.
MODEL_FILES_LOCK = 7_301_001


def model_dir() -> Path:
    return Path(getattr(settings, "RECOMMENDER_MODEL_DIR", settings.CACHE_DIR / "models" / "recommender"))


def current_model() -> ServingModel | None:
    """The active model of this process (loaded once, reloaded after a swap), or None."""
    return load_current(model_dir())


@dataclass
class History:
    ratings: dict[int, float] = field(default_factory=dict)
    # whose history it is: lets the model start from sums it kept for this user at training
    user_id: int | None = None
    disliked: set[int] = field(default_factory=set)
    not_interested: set[int] = field(default_factory=set)
    more_like: list[int] = field(default_factory=list)
    # {aspect: mean sentiment -1..1} over the user's analysed reviews
    aspects: dict[str, float] = field(default_factory=dict)


def user_history(*, user_id: int) -> History:
    """What the model needs to know about one user, in three queries."""
    history = History(user_id=user_id)
    for movie_id, score in Rating.objects.filter(user_id=user_id).values_list("movie_id", "score"):
        history.ratings[movie_id] = float(score)
    analysed = list(
        ReviewAnalysis.objects.filter(review__user_id=user_id, review__hidden_at__isnull=True).values_list(
            "review__movie_id", "label", "score", "aspects"
        )
    )
    names = sorted({a["aspect"] for *_, aspects in analysed for a in aspects or [] if "aspect" in a})
    history.aspects = dict(
        zip(names, mean_aspects((row[3] for row in analysed), names).tolist(), strict=True)
    )
    for movie_id, label, sentiment, _aspects in analysed:
        if movie_id in history.ratings:
            nudged = history.ratings[movie_id] + SENTIMENT_NUDGE * sentiment
            history.ratings[movie_id] = float(np.clip(nudged, 0.5, 5.0))
        else:
            history.ratings[movie_id] = float(np.clip(3.0 + 2.0 * sentiment, 0.5, 5.0))
        if label == ReviewAnalysis.Label.NEGATIVE:
            history.disliked.add(movie_id)
    history.disliked.update(m for m, r in history.ratings.items() if r <= DISLIKED_RATING)
    feedback = RecommendationFeedback.objects.filter(user_id=user_id).order_by("-created_at")
    for movie_id, kind in feedback.values_list("movie_id", "kind"):
        if kind == RecommendationFeedback.Kind.NOT_INTERESTED:
            history.not_interested.add(movie_id)
        elif kind == RecommendationFeedback.Kind.MORE_LIKE_THIS:
            history.more_like.append(movie_id)
    return history


def _rows_for(model: ServingModel, history: History) -> list[tuple[str, str, list]]:
    """(row, subject, picks with reasons) for one user, best rows first."""
    ratings = history.ratings
    exclude = history.not_interested
    scores = model.scores(
        ratings,
        more_like=history.more_like,
        disliked=history.disliked | history.not_interested,
        aspects=history.aspects,
        user_id=history.user_id,
    )
    genres = model.favourite_genres(ratings)
    people = favourite_people(model, ratings)
    rows: list[tuple[str, str, list]] = []
    top = model.top(scores, ratings, n=ROW_SIZE, exclude=exclude)
    for pick in top:
        pick.reason = reason_for(model, ratings, pick.movie_id, genres=genres, people=people)
    rows.append((Recommendation.Row.TOP_PICKS, "", top))
    titles = dict(zip(model.item_ids.tolist(), model.titles, strict=True))
    used: set[int] = set()  # a movie appears once per row kind (one_pick_per_row)
    for anchor in model.loved_anchors(ratings, k=ANCHORS):
        picks = model.because_you_loved(
            ratings, anchor, n=ROW_SIZE, exclude=exclude | used, user_scores=scores
        )
        used.update(p.movie_id for p in picks)
        for pick in picks:
            pick.reason = f"Because you rated {titles[anchor]} {ratings[anchor]:g} stars"
        rows.append((Recommendation.Row.BECAUSE_YOU_LOVED, titles[anchor], picks))
    if genres:
        gems = model.hidden_gems(ratings, genres[0], n=ROW_SIZE, exclude=exclude, user_scores=scores)
        for pick in gems:
            pick.reason = f"A well-rated, lesser-known {genres[0]} movie; you like {genres[0]} movies"
        rows.append((Recommendation.Row.HIDDEN_GEMS, genres[0], gems))
    if history.more_like:
        anchor = history.more_like[0]
        if model.knows(anchor):
            picks = model.because_you_loved(ratings, anchor, n=ROW_SIZE, exclude=exclude, user_scores=scores)
            for pick in picks:
                pick.reason = f"You asked for more like {titles[anchor]}"
            rows.append((Recommendation.Row.MORE_LIKE_THIS, titles[anchor], picks))
    return rows


def recommendations_refresh(*, user_id: int) -> int:
    """Replace the user's stored rows with fresh ones from the current model.

    Folds the user's latest ratings, reviews and feedback into the model (no retrain),
    so it reflects a new rating within seconds. Rated and dismissed movies never appear.
    Safe to run twice. Returns the number of rows stored; 0 (and rows left as they are)
    when no model has been trained yet.
    """
    from django.contrib.auth import get_user_model

    model = current_model()
    if model is None:
        log.info("no recommender model yet; user %s keeps their rows", user_id)
        return 0
    history = user_history(user_id=user_id)
    rows = _rows_for(model, history)
    now = timezone.now()
    objects = []
    for row, subject, picks in rows:
        for rank, pick in enumerate(picks, start=1):
            objects.append(
                Recommendation(
                    user_id=user_id,
                    movie_id=pick.movie_id,
                    row=row,
                    row_subject=subject[:300],
                    rank=rank,
                    score=float(pick.score),
                    reason=pick.reason[:300],
                    model_version=model.version,
                    created_at=now,
                )
            )
    with transaction.atomic():
        # Lock the user row: two refreshes of one user write one after the other.
        if not get_user_model().objects.select_for_update().filter(pk=user_id).exists():
            return 0
        Recommendation.objects.filter(user_id=user_id).delete()
        Recommendation.objects.bulk_create(objects)
        # bulk_create sends no signal: cached pages showing the rows learn it here
        pagecache.member_pages_changed(user_id)
    return len(objects)


def recommendation_feedback_record(*, user_id: int, movie_id: int, kind: str) -> RecommendationFeedback:
    """Store "Not interested" / "More like this" and act on it at once.

    "Not interested" removes the movie from every stored row before returning; both
    kinds queue a refresh of the user's rows after commit.
    """
    with transaction.atomic():
        feedback, _ = RecommendationFeedback.objects.get_or_create(
            user_id=user_id, movie_id=movie_id, kind=kind, defaults={"created_at": timezone.now()}
        )
        opposite = (
            RecommendationFeedback.Kind.MORE_LIKE_THIS
            if kind == RecommendationFeedback.Kind.NOT_INTERESTED
            else RecommendationFeedback.Kind.NOT_INTERESTED
        )
        RecommendationFeedback.objects.filter(user_id=user_id, movie_id=movie_id, kind=opposite).delete()
        if kind == RecommendationFeedback.Kind.NOT_INTERESTED:
            Recommendation.objects.filter(user_id=user_id, movie_id=movie_id).delete()
            pagecache.member_pages_changed(user_id)
        # robust: with the broker down the feedback is still saved (and acted on above).
        transaction.on_commit(lambda: _queue_refresh(user_id), robust=True)
    return feedback


def _queue_refresh(user_id: int) -> None:
    from recommender.tasks.recommendations import recommendations_refresh as task

    task.delay(user_id)


# -- training ---------------------------------------------------------------------
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


def _content_vectors(texts: list[str], *, content: str) -> tuple[np.ndarray, str]:
    """MiniLM embeddings (cached per exact texts) or TF-IDF when asked or when MiniLM is missing."""
    if content == "minilm":
        try:
            from recommender.llm.embeddings import embed_texts, embedding_version

            version = embedding_version()
            vectors = cached_embeddings(
                texts, embed_texts, cache_dir=Path(settings.CACHE_DIR) / "embeddings", version=version
            )
            return vectors, f"minilm:{version}"
        except Exception:  # a missing model must not stop a retrain: fall back and say so
            log.exception("MiniLM embeddings unavailable; using TF-IDF for content")
    return tfidf_text_vectors(texts), "tfidf"


def recommender_train(
    *, content: str = "minilm", progress: Callable[[str], None] | None = None, seed: int = 0
) -> ModelArtifact:
    """Train the hybrid on every rating in the database, swap it in atomically, record it.

    Pages keep using the previous model until the new file is complete; the swap is one
    rename of a symlink. Returns the active ``ModelArtifact``.
    """
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
    options = getattr(settings, "RECOMMENDER_TRAIN_OPTIONS", {})
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
    }
    model = ServingModel(
        hybrid,
        item_ids=frame.item_ids,
        titles=frame.titles,
        genres=frame.genres,
        version=version,
        metadata=metrics,
    )
    # the longest histories' sums of weight rows, so their refreshes read one vector per part
    metrics["partial_sums_users"] = model.keep_partial_sums(frame.matrix, frame.user_ids)
    # user-kNN members are the training users, in the matrix's row order
    model.member_ids = np.asarray(frame.user_ids, dtype=np.int64)
    with transaction.atomic():
        _model_files_lock()
        path = save_artifact(model, model_dir())
        if progress:
            progress("saved")
        ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True).update(
            is_active=False
        )
        artifact = ModelArtifact.objects.create(
            kind=ModelArtifact.Kind.RECOMMENDER,
            version=version,
            path=str(path),
            is_active=True,
            metrics=metrics,
            created_at=timezone.now(),
        )
    log.info("recommender %s trained in %.1fs on %s ratings", version, seconds, frame.matrix.nnz)
    # Members who deleted their account while this model trained on their ratings, and the
    # previous model files, go now.
    recommender_forget_users()
    artifact.refresh_from_db()
    return artifact


def _model_files_lock() -> None:
    """Wait for, then hold until the transaction ends, the lock on the model folder."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MODEL_FILES_LOCK])


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
        if removed:
            model.revision += 1
            new_path = save_artifact(model, folder)
            ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, version=model.version).update(
                path=str(new_path)
            )
            log.info("recommender %s rewritten without %s deleted members", model.version, removed)
        prune_artifacts(folder)
    return removed


def active_user_ids() -> list[int]:
    """Users with at least one rating (the ones whose rows a retrain should refresh)."""
    return list(Rating.objects.order_by().values_list("user_id", flat=True).distinct())
