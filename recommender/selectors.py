"""Reads for pages and the API: stored recommendation rows and similar movies.

No model runs here except ``similar_movies``, which asks the already-loaded model for a
movie's neighbours (a few milliseconds) and falls back to shared genres without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Q
from django.utils import timezone

from community.accounts.models import User
from community.core import pagecache
from community.movies.models import Movie
from community.reviews.models import Rating
from recommender.models import GeneratedText, ModelArtifact, Recommendation, RecommendationFeedback
from recommender.services.training_state import Training, training_running

ROW_ORDER = [
    Recommendation.Row.TOP_PICKS,
    Recommendation.Row.BECAUSE_YOU_LOVED,
    Recommendation.Row.HIDDEN_GEMS,
    Recommendation.Row.MORE_LIKE_THIS,
]


@dataclass
class RecommendationRow:
    row: str
    subject: str
    title: str
    items: list[Recommendation] = field(default_factory=list)


def _row_title(row: str, subject: str) -> str:
    if row == Recommendation.Row.TOP_PICKS:
        return "Top picks for you"
    if row == Recommendation.Row.BECAUSE_YOU_LOVED:
        return f"Because you loved {subject}"
    if row == Recommendation.Row.HIDDEN_GEMS:
        return f"Hidden gems in {subject}"
    return f"More like {subject}"


@dataclass(frozen=True)
class PicksStatus:
    """Why a member has no picks yet: what the homepage says instead of them."""

    ratings: int  # the member's ratings
    model_served: bool  # a recommender model is served (their rows follow within seconds)
    training: Training | None  # the training running now, if any

    @property
    def training_age(self) -> str:
        """How long the running training has run: "20 s", "3 min"."""
        if self.training is None:
            return ""
        seconds = max(0, int((timezone.now() - self.training.started_at).total_seconds()))
        return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"

    @property
    def state(self) -> str:
        if not self.ratings:
            return "no_ratings"
        if self.model_served:
            return "refreshing"
        return "first_training" if self.training else "waiting_for_training"


def picks_status(*, user_id: int) -> PicksStatus:
    """What is happening to the picks of a member who has none: their rating count and whether a
    model is served, in one query, and whether a training is running (a file beside the model)."""
    row = (
        User.objects.filter(pk=user_id)
        .annotate(
            n_ratings=Count("ratings", distinct=True),
            served=Exists(ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True)),
        )
        .values("n_ratings", "served")
        .first()
    ) or {"n_ratings": 0, "served": False}
    return PicksStatus(ratings=row["n_ratings"], model_served=row["served"], training=training_running())


def recommendation_rows(*, user_id: int, per_row: int = 12) -> list[RecommendationRow]:
    """The user's stored rows in homepage order, movies and genres loaded in two queries.

    Movies the user has rated or dismissed since the last refresh are filtered out here,
    so they disappear at once, before the refresh task has run.
    """
    rated = Rating.objects.filter(user_id=user_id).values("movie_id")
    dismissed = RecommendationFeedback.objects.filter(
        user_id=user_id, kind=RecommendationFeedback.Kind.NOT_INTERESTED
    ).values("movie_id")
    picks = (
        Recommendation.objects.filter(user_id=user_id)
        .exclude(movie_id__in=rated)
        .exclude(movie_id__in=dismissed)
        .select_related("movie")
        .prefetch_related("movie__genres")
        .order_by("row", "row_subject", "rank")
    )
    rows: dict[tuple[str, str], RecommendationRow] = {}
    for pick in picks:
        key = (pick.row, pick.row_subject)
        if key not in rows:
            rows[key] = RecommendationRow(pick.row, pick.row_subject, _row_title(pick.row, pick.row_subject))
        if len(rows[key].items) < per_row:
            rows[key].items.append(pick)
    order: dict[str, int] = {row: i for i, row in enumerate(ROW_ORDER)}
    return sorted(rows.values(), key=lambda r: (order.get(r.row, 99), r.subject))


def similar_movies(*, movie: Movie, limit: int = 10) -> list[dict[str, Any]]:
    """Movies like this one, most similar first, as ``{"movie": Movie, "score": float}``.

    From the hybrid's item similarity (content + CF), so a movie nobody rated yet still
    has neighbours; by shared genres when no model has been trained.
    """
    from recommender.services.recommendations import current_model

    model = current_model()
    if model is not None and model.knows(movie.pk):
        picks = model.similar_movies(movie.pk, n=limit)
        movies = Movie.objects.in_bulk([p.movie_id for p in picks])
        return [
            {"movie": movies[p.movie_id], "score": round(p.score, 3)} for p in picks if p.movie_id in movies
        ]
    genre_ids = list(movie.genres.values_list("pk", flat=True))
    if not genre_ids:
        return []
    candidates = (
        Movie.objects.exclude(pk=movie.pk)
        .annotate(shared=Count("genres", filter=Q(genres__in=genre_ids)))
        .filter(shared__gt=0)
        .order_by("-shared", "-rating_count", "pk")[:limit]
    )
    return [{"movie": m, "score": round(m.shared / len(genre_ids), 3)} for m in candidates]


def recommendation_rows_stamp_fields() -> dict[str, Any]:
    """Annotations on the user table that change whenever anything the member's rows show could
    change; also registered as part of the homepage's stamp (community.core.pagecache)."""
    explanations = GeneratedText.objects.filter(kind=GeneratedText.Kind.EXPLANATION)
    return {
        # written in bulk by recommendations_refresh, which says so itself (member_pages_changed)
        "recs": pagecache.activity(Recommendation.objects, "created_at", watch=False),
        # The same name and expression as community's homepage stamp: one subquery there.
        "rated": pagecache.activity(Rating.objects, "updated_at"),
        "feedback": pagecache.activity(RecommendationFeedback.objects, "created_at"),
        "texts": pagecache.activity(explanations, "updated_at"),
    }


def recommendation_rows_stamp(*, user_id: int) -> str:
    """Changes whenever anything the member's rows show could change (one query); "" without rows."""
    fields = recommendation_rows_stamp_fields()
    names = list(fields)
    row = User.objects.filter(pk=user_id).annotate(**fields).values_list(*names).first()
    return "" if row is None or not row[0] else "|".join(str(v) for v in row)
