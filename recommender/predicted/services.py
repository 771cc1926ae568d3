"""Writing the predicted-rating factors: every movie's when a model is swapped in, a member's
each time their rows are refreshed (``recommender.services.recommendations``)."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from recommender.hybrid.serving import ServingModel
from recommender.predicted.models import MemberRatingFactors, MovieRatingFactors

BATCH = 1000


def movie_rating_factors_store(
    *, model: ServingModel, rating_counts: np.ndarray, keep_version: str | None = None
) -> int:
    """Store the rating predictor's factors of every movie with at least one training rating
    (``rating_counts``, in the model's item order) under the model's version, and delete those
    of every other version but ``keep_version`` (the model served until now: members not yet
    refreshed still hold factors from it). A movie nobody rated gets no row, so no estimate.
    Safe to run twice. Returns the rows stored."""
    rating = model.rating
    if rating is None:
        return 0
    rated = np.flatnonzero(np.asarray(rating_counts) > 0)
    rows = [
        MovieRatingFactors(
            movie_id=int(model.item_ids[i]),
            model_version=model.version,
            bias=float(rating.mu + rating.bi[i]),
            factors=rating.q[i].astype(np.float32).tobytes(),
            rating_count=int(rating_counts[i]),
        )
        for i in rated.tolist()
    ]
    keep = {model.version} | ({keep_version} if keep_version else set())
    with transaction.atomic():
        MovieRatingFactors.objects.exclude(model_version__in=keep).delete()
        MovieRatingFactors.objects.filter(model_version=model.version).delete()
        MovieRatingFactors.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def member_rating_factors_store(*, user_id: int, model: ServingModel, ratings: dict[int, float]) -> bool:
    """Fold the member's own star ratings into the model's rating predictor and store the
    result (or delete what was stored when there is nothing to fold in: no ratings of movies
    the model knows, or no predictor). Call inside the refresh's transaction. Returns whether
    factors are stored."""
    folded = model.rating_fold_in(ratings)
    if folded is None:
        MemberRatingFactors.objects.filter(user_id=user_id).delete()
        return False
    factors, bias, used = folded
    MemberRatingFactors.objects.update_or_create(
        user_id=user_id,
        defaults={
            "model_version": model.version,
            "bias": bias,
            "factors": np.asarray(factors, dtype=np.float32).tobytes(),
            "rating_count": used,
            "updated_at": timezone.now(),
        },
    )
    return True
