"""Reading reviews with the sentiment model, and keeping taste profiles up to date."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from community.reviews.models import Rating, Review
from recommender.llm import sentiment
from recommender.models import ReviewAnalysis, TasteProfile

log = logging.getLogger(__name__)

SENTIMENT_MODEL_NAME = "minilm-sentiment-ensemble"
# The TF-IDF version a first start reads reviews with until the full one is trained (quick.py).
QUICK_MODEL_NAME = "tfidf-quick-sentiment"
# A review in another language is read by the generator (llm.sentiment.multilingual): the
# analysis's model name says so, e.g. "generator-judge:zh".
GENERATOR_READING_NAME = "generator-judge"
ASPECT_NAMES = tuple(sentiment.ASPECTS)


def _model_name(result: sentiment.Analysis) -> str:
    reading = getattr(result, "reading", "ensemble")
    if reading == "ensemble":
        if result.model_version.startswith(sentiment.QUICK_PREFIX):
            return QUICK_MODEL_NAME
        return SENTIMENT_MODEL_NAME
    return GENERATOR_READING_NAME + ":" + reading.split(":", 1)[-1]


def text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def _store(review: Review, result: sentiment.Analysis, digest: str) -> ReviewAnalysis:
    aspects = [
        {"aspect": a.aspect, "sentiment": a.label, "score": a.score, "sentence": a.sentence}
        for a in result.aspects
    ]
    analysis, _ = ReviewAnalysis.objects.update_or_create(
        review_id=review.pk,
        defaults={
            "label": result.label,
            "score": result.score,
            "confidence": result.confidence,
            "aspects": aspects,
            "text_hash": digest,
            "model_name": _model_name(result),
            "model_version": result.model_version,
            "analysed_at": timezone.now(),
        },
    )
    return analysis


def _queue_film_insight(movie_id: int, bulk: bool = False) -> None:
    from recommender.insight.services import film_insight_queue

    film_insight_queue(movie_id=movie_id, bulk=bulk)


def _queue_taste_profile(user_id: int) -> None:
    from recommender.tasks.analysis import taste_profile_refresh

    taste_profile_refresh.delay(user_id)


def reviews_analyse(*, review_ids: Iterable[int], analyser=None, bulk: bool = False) -> list[ReviewAnalysis]:
    """Analyse the current text of each review with the current model, in one model pass.

    Safe to repeat: a review whose stored analysis already matches its text and the
    model version is left alone, and each review keeps exactly one analysis row.
    Reviews deleted or hidden by moderators meanwhile are skipped. Once committed, the taste
    profile of each author with a new analysis is queued (taste_profile_refresh, once per
    author), as is the studio console's insight of each film (on the bulk queue with `bulk`,
    as backfills do).
    """
    analyser = analyser or sentiment.get_analyser()
    reviews = list(Review.objects.visible().filter(pk__in=list(review_ids)).select_related("analysis"))
    todo = []
    for review in reviews:
        existing = getattr(review, "analysis", None)
        digest = text_hash(review.body)
        if existing and existing.text_hash == digest and existing.model_version == analyser.version:
            continue
        todo.append((review, digest))
    if not todo:
        return []
    results = analyser.analyse_many(
        [review.body for review, _ in todo], [review.language or "" for review, _ in todo]
    )
    stored = []
    authors: set[int] = set()
    with transaction.atomic():
        # Lock the reviews so a concurrent edit or a second run of the same batch waits.
        current = dict(
            Review.objects.select_for_update()
            .filter(pk__in=[r.pk for r, _ in todo])
            .values_list("pk", "body")
        )
        for (review, digest), result in zip(todo, results, strict=True):
            if review.pk not in current or text_hash(current[review.pk]) != digest:
                continue  # deleted or edited while we were reading; its own task will follow
            stored.append(_store(review, result, digest))
            authors.add(review.user_id)
        # The studio console's figures for these films include the new analyses.
        for movie_id in sorted({review.movie_id for review, _ in todo if review.pk in current}):
            transaction.on_commit(partial(_queue_film_insight, movie_id, bulk), robust=True)
        # The authors' aspect preferences follow, by their own task (the one place they change).
        for user_id in sorted(authors):
            transaction.on_commit(partial(_queue_taste_profile, user_id), robust=True)
    return stored


def review_analyse(*, review_id: int, analyser=None) -> ReviewAnalysis | None:
    """Analyse one review (see `reviews_analyse`); returns its analysis, or None if it is gone."""
    reviews_analyse(review_ids=[review_id], analyser=analyser)
    return ReviewAnalysis.objects.filter(review_id=review_id).first()


def reviews_needing_analysis(*, model_version: str):
    """Reviews never analysed, or analysed by another model version (the backfill's work).
    Reviews hidden by moderators wait until they are restored."""
    return (
        Review.objects.visible()
        .exclude(analysis__model_version=model_version)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------
# Taste profiles
# ---------------------------------------------------------------------------

_MIN_GENRE_RATINGS = 2
_MIN_PERSON_RATINGS = 2


def _top(scores: dict[str, float], *, positive: bool, n: int = 3, threshold: float = 0.15) -> list[str]:
    items = [(k, v) for k, v in scores.items() if (v >= threshold if positive else v <= -threshold)]
    items.sort(key=lambda kv: -kv[1] if positive else kv[1])
    return [k for k, _ in items[:n]]


def _summary(prefs: dict[str, dict[str, float]]) -> str:
    parts = []
    loved_genres = _top(prefs["genres"], positive=True)
    disliked_genres = _top(prefs["genres"], positive=False)
    liked_aspects = _top(prefs["aspects"], positive=True)
    disliked_aspects = _top(prefs["aspects"], positive=False)
    people = _top(prefs["people"], positive=True)
    if loved_genres:
        parts.append("Loves " + ", ".join(loved_genres))
    if disliked_genres:
        parts.append("rarely enjoys " + ", ".join(disliked_genres))
    if liked_aspects:
        parts.append("praises " + ", ".join(liked_aspects))
    if disliked_aspects:
        parts.append("is hard on " + ", ".join(disliked_aspects))
    if people:
        parts.append("rates " + ", ".join(people) + " highly")
    if not parts:
        return ""
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def taste_profile_update(*, user_id: int) -> TasteProfile:
    """Recompute the user's taste profile from their ratings and analysed reviews.

    preferences = {"genres": {name: -1..1}, "aspects": {aspect: -1..1},
    "people": {name: -1..1}}: ratings are centred on the user's own mean (so a harsh
    rater's 3.5 still counts as liking), aspects are averaged review aspect scores.
    """
    ratings = list(
        Rating.objects.filter(user_id=user_id)
        .select_related("movie")
        .prefetch_related("movie__genres", "movie__credits__person")
    )
    # Hidden reviews (community.moderation) are no input to anything the recommender learns.
    analyses = list(
        ReviewAnalysis.objects.filter(review__user_id=user_id, review__hidden_at__isnull=True).only(
            "aspects", "score"
        )
    )
    mean = sum(float(r.score) for r in ratings) / len(ratings) if ratings else 0.0
    genre_acc: dict[str, list[float]] = defaultdict(list)
    people_acc: dict[str, list[float]] = defaultdict(list)
    for rating in ratings:
        centred = (float(rating.score) - mean) / 2.0  # +-2 stars from the mean maps to +-1
        for genre in rating.movie.genres.all():
            genre_acc[genre.name].append(centred)
        for credit in rating.movie.credits.all():
            if credit.role == "director" or (credit.role == "cast" and credit.order < 3):
                people_acc[credit.person.name].append(centred)
    aspect_acc: dict[str, list[float]] = defaultdict(list)
    for analysis in analyses:
        for aspect in analysis.aspects or []:
            aspect_acc[aspect["aspect"]].append(float(aspect["score"]))

    def _avg(acc: dict[str, list[float]], minimum: int) -> dict[str, float]:
        return {
            k: round(max(-1.0, min(1.0, sum(v) / len(v))), 3)
            for k, v in sorted(acc.items())
            if len(v) >= minimum
        }

    prefs = {
        "genres": _avg(genre_acc, _MIN_GENRE_RATINGS if len(ratings) >= 6 else 1),
        "aspects": _avg(aspect_acc, 1),
        "people": _avg(people_acc, _MIN_PERSON_RATINGS),
    }
    profile, _ = TasteProfile.objects.update_or_create(
        user_id=user_id,
        defaults={
            "preferences": prefs,
            "summary": _summary(prefs),
            "rating_count": len(ratings),
            "review_count": len(analyses),
            "updated_at": timezone.now(),
        },
    )
    return profile
