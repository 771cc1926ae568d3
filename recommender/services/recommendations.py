"""Ranking movies for a member: their history as the model sees it, the stored rows with
reasons, and feedback on them.

The maths lives in ``recommender.hybrid`` (plain arrays); this module is the bridge to
the database. Pages never run a model: they read the rows ``recommendations_refresh``
stores (``recommender.selectors``). Training the model and keeping its files is
``recommender.services.recommender_model``.

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

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from community.core import pagecache
from community.reviews.models import Rating
from recommender.hybrid.aspects import mean_aspects
from recommender.hybrid.cache import load_current
from recommender.hybrid.reasons import favourite_people, reason_for
from recommender.hybrid.serving import ServingModel
from recommender.models import Recommendation, RecommendationFeedback, ReviewAnalysis
from recommender.predicted.services import member_rating_factors_store

log = logging.getLogger(__name__)

ROW_SIZE = 12
ANCHORS = 2
SENTIMENT_NUDGE = 0.5  # stars a fully positive/negative review adds to / takes from its rating
DISLIKED_RATING = 2.0


def model_dir() -> Path:
    return Path(getattr(settings, "RECOMMENDER_MODEL_DIR", settings.CACHE_DIR / "models" / "recommender"))


def current_model() -> ServingModel | None:
    """The active model of this process (loaded once, reloaded after a swap), or None."""
    return load_current(model_dir())


@dataclass
class History:
    ratings: dict[int, float] = field(default_factory=dict)
    # the member's own stars, as given (``ratings`` is nudged by reviews): the rating predictor's input
    stars: dict[int, float] = field(default_factory=dict)
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
    history.stars = dict(history.ratings)
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
        # what the movie pages' "You would likely rate this" reads
        member_rating_factors_store(user_id=user_id, model=model, ratings=history.stars)
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
