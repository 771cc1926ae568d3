"""A member's predicted rating of one film, for the movie page and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Exists, Subquery

from community.reviews.models import Rating
from recommender.predicted.models import MemberRatingFactors, MovieRatingFactors

PREDICTED = "predicted"
RATED = "rated"  # the member rated the film: their own rating is shown instead
NO_ESTIMATE = "no_estimate"  # no ratings of theirs in the model, the film unrated, or no model yet

# What the rating predictor scored on held-out MovieLens ratings (``bench_predicted_rating``:
# ml-100k, 5 folds, each member folded in from their training ratings as the site does, then
# clipped and rounded to half a star). Shown in the note beside a prediction.
HELD_OUT_MAE = 0.71


@dataclass(frozen=True)
class PredictedRating:
    movie_id: int
    status: str
    stars: float | None = None  # 0.5-5, a half star
    estimate: float | None = None  # before rounding and clipping
    member_ratings: int = 0  # the member's ratings the estimate was folded in from
    movie_ratings: int = 0  # the film's ratings when the model was trained
    model_version: str = ""

    @property
    def note(self) -> str:
        if self.status != PREDICTED:
            return ""
        return (
            f"Estimated from your {self.member_ratings} rating{'s' if self.member_ratings != 1 else ''} "
            f"and the film's {self.movie_ratings} by the recommender's matrix-factorisation model "
            f"(off by about {HELD_OUT_MAE:.2g} stars on average on held-out MovieLens ratings)."
        )


def half_star(value: float) -> float:
    """A rating as a member would give one: clipped to 0.5-5 and rounded to the nearest half star."""
    return float(np.clip(np.floor(value * 2 + 0.5) / 2, 0.5, 5.0))


def predicted_rating(*, user_id: int, movie_id: int) -> PredictedRating:
    """The member's predicted rating of the film from the served rating model, in one query:
    their factors and the film's from the same model version, and whether they rated it.
    ``status`` says why there is none (rated, or no estimate)."""
    member = MemberRatingFactors.objects.filter(user_id=user_id)
    movie = MovieRatingFactors.objects.filter(
        movie_id=movie_id, model_version=Subquery(member.values("model_version")[:1])
    )
    row = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            member_bias=Subquery(member.values("bias")[:1]),
            member_factors=Subquery(member.values("factors")[:1]),
            member_count=Subquery(member.values("rating_count")[:1]),
            member_version=Subquery(member.values("model_version")[:1]),
            movie_bias=Subquery(movie.values("bias")[:1]),
            movie_factors=Subquery(movie.values("factors")[:1]),
            movie_count=Subquery(movie.values("rating_count")[:1]),
            rated=Exists(Rating.objects.filter(user_id=user_id, movie_id=movie_id)),
        )
        .values(
            "member_bias",
            "member_factors",
            "member_count",
            "member_version",
            "movie_bias",
            "movie_factors",
            "movie_count",
            "rated",
        )
        .first()
    )
    if row is None:
        return PredictedRating(movie_id=movie_id, status=NO_ESTIMATE)
    if row["rated"]:
        return PredictedRating(movie_id=movie_id, status=RATED)
    if row["member_factors"] is None or row["movie_factors"] is None:
        return PredictedRating(movie_id=movie_id, status=NO_ESTIMATE)
    mine = np.frombuffer(bytes(row["member_factors"]), dtype=np.float32)
    film = np.frombuffer(bytes(row["movie_factors"]), dtype=np.float32)
    estimate = float(row["movie_bias"] + row["member_bias"] + float(mine @ film))
    return PredictedRating(
        movie_id=movie_id,
        status=PREDICTED,
        stars=half_star(estimate),
        estimate=round(estimate, 3),
        member_ratings=row["member_count"],
        movie_ratings=row["movie_count"],
        model_version=row["member_version"],
    )
