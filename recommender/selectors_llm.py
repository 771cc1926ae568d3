"""Reads for the pages that show the language-model features.

No model runs here (nor is torch imported): pages read what the tasks stored, and
ask whether the models are still warming up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Avg, Case, Count, F, JSONField, QuerySet, Value, When
from django.db.models.functions import JSONObject

from community.movies.sentiment import SentimentSummary
from community.reviews.models import Review
from recommender.models import GeneratedText, ReviewAnalysis, TasteProfile


def models_status() -> dict[str, Any]:
    """Which models are ready, and what the background preparation is doing.

    {"sentiment": bool, "generator": bool, "embeddings": bool, "ready": bool,
     "sentiment_final": bool,
     "damaged": [part with missing or wrong-sized files],
     "stage": "repair" | "sentiment-quick" | "backfill-quick" | "embeddings" | "generator"
              | "sentiment" | "ready" | "failed" | "",
     "detail": str, "error": str}
    """
    from recommender.llm import registry, sentiment
    from recommender.services.llm_models import status_read

    fake = registry.use_fake_models()
    # A part whose files no longer have the sizes its manifest records is being repaired
    # (a few stat calls; the workers hash the files before they load them).
    damaged = [] if fake else [part for part in registry.PARTS if registry.part_problems(part)]
    state: dict[str, Any] = {
        "sentiment": fake or (sentiment.sentiment_ready() and "sentiment" not in damaged),
        "generator": fake or (registry.llm_ready() and "generator" not in damaged),
        "embeddings": fake or (registry.minilm_ready() and "minilm" not in damaged),
    }
    progress = status_read()
    state.update(
        ready=all(state.values()),
        # The full sentiment version, not the quick one read with on a first start.
        sentiment_final=fake or (state["sentiment"] and sentiment.sentiment_final()),
        damaged=damaged,
        stage=progress.get("stage", ""),
        detail=progress.get("detail", ""),
        error=progress.get("error", ""),
    )
    return state


# Aspects are summarised over the most recent analysed reviews only, to keep the page cheap.
ASPECT_SAMPLE = 500
TOP_ASPECTS = 8


def review_sentiments(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The reviews, each with `sentiment` annotated: its chip from the analysis (a
    community.reviews.sentiment.ReviewSentiment), or None if it has not been analysed.

    Joined into the reviews' own query, so a list page's query count does not change. Community
    shows it (review cards, the reviews API) through the slot community.reviews.sentiment,
    filled from RecommenderConfig.ready().
    """
    label_display = Case(
        *[When(analysis__label=value, then=Value(str(name))) for value, name in ReviewAnalysis.Label.choices],
        default=F("analysis__label"),
    )
    chip = JSONObject(
        label=F("analysis__label"),
        label_display=label_display,
        score=F("analysis__score"),
        model_name=F("analysis__model_name"),
    )
    return reviews.annotate(
        sentiment=Case(When(analysis__isnull=False, then=chip), default=None, output_field=JSONField())
    )


def movie_sentiment_summary(*, movie_id: int) -> SentimentSummary:
    """What the analyses of the movie's visible reviews add up to: how many are positive,
    negative or mixed, their average score, and per aspect how many of the latest
    ASPECT_SAMPLE praise or criticise it (the TOP_ASPECTS most discussed). Three queries.

    Community shows it (the movie detail API) through the slot community.movies.sentiment,
    filled from RecommenderConfig.ready().
    """
    analysed = ReviewAnalysis.objects.filter(review__movie_id=movie_id, review__hidden_at__isnull=True)
    labels = {row["label"]: row["n"] for row in analysed.order_by().values("label").annotate(n=Count("pk"))}
    average = analysed.aggregate(avg=Avg("score"))["avg"]
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    latest = analysed.order_by("-review__created_at").values_list("aspects", flat=True)[:ASPECT_SAMPLE]
    for aspects in latest:
        for item in aspects or []:
            if not isinstance(item, dict) or not isinstance(item.get("aspect"), str):
                continue
            if item.get("sentiment") == "positive":
                positive[item["aspect"]] += 1
            elif item.get("sentiment") == "negative":
                negative[item["aspect"]] += 1
    return {
        "analysed_reviews": sum(labels.values()),
        "positive": labels.get("positive", 0),
        "negative": labels.get("negative", 0),
        "mixed": labels.get("mixed", 0),
        "average_score": average,
        "aspects": [
            {"aspect": name, "positive": positive[name], "negative": negative[name]}
            for name, _ in (positive + negative).most_common(TOP_ASPECTS)
        ],
    }


def generated_text(*, user_id: int, movie_id: int, kind: str) -> GeneratedText | None:
    """The user's text of this kind for the movie (pending, ready or failed), if requested."""
    return GeneratedText.objects.filter(user_id=user_id, movie_id=movie_id, kind=kind).first()


def review_draft(*, user_id: int, movie_id: int) -> GeneratedText | None:
    return generated_text(user_id=user_id, movie_id=movie_id, kind=GeneratedText.Kind.REVIEW_DRAFT)


def discussion_suggestions(*, user_id: int, movie_id: int) -> GeneratedText | None:
    return generated_text(user_id=user_id, movie_id=movie_id, kind=GeneratedText.Kind.DISCUSSION_SUGGESTIONS)


def explanations(*, user_id: int, movie_ids: Iterable[int]) -> dict[int, GeneratedText]:
    """Ready explanation texts by movie id, for the homepage rows (one query)."""
    rows = GeneratedText.objects.filter(
        user_id=user_id,
        movie_id__in=list(movie_ids),
        kind=GeneratedText.Kind.EXPLANATION,
        status=GeneratedText.Status.READY,
    )
    return {row.movie_id: row for row in rows}


def taste_profile(*, user_id: int) -> TasteProfile | None:
    return TasteProfile.objects.filter(user_id=user_id).first()


# --- the movie page's AI panels -------------------------------------------------------

# The first sentence of every notice while the models are prepared (preparation.py says the rest).
WARMING_UP_NOTICE = "AI features are being prepared on this first start."


def ai_warming_up() -> bool:
    """True while the generator or the sentiment model is not ready yet.

    New requests are refused meanwhile: the generation task only waits a few minutes for
    missing model files before it gives up, and the first start takes longer than that.
    """
    status = models_status()
    return not (status["generator"] and status["sentiment"])


def suggested_questions(text: GeneratedText | None) -> list[str]:
    """The questions of a ready discussion-suggestions text (payload first, else its lines)."""
    if text is None or text.status != GeneratedText.Status.READY:
        return []
    questions = (text.payload or {}).get("questions") or [
        line.strip() for line in text.text.splitlines() if line.strip()
    ]
    return [str(q) for q in questions][:3]


def suggested_threads(
    text: GeneratedText | None, *, exclude_ids: Iterable[int] = (), limit: int = 3
) -> list[Any]:
    """The movie's threads the suggestions task found closest to the user's interests.

    The task stores their ids (ranking them needs the embedding model, which the web
    process never loads); threads deleted since, and `exclude_ids` (those the page lists
    anyway), are left out. One query.
    """
    from community.discussions.models import Thread

    if text is None or text.status != GeneratedText.Status.READY:
        return []
    excluded = set(exclude_ids)
    ids = [int(i) for i in (text.payload or {}).get("similar_thread_ids", []) if int(i) not in excluded]
    ids = ids[:limit]
    if not ids:
        return []
    found = (
        Thread.objects.visible().filter(pk__in=ids, movie_id=text.movie_id).select_related("author", "movie")
    )
    by_id = {t.pk: t for t in found}
    return [by_id[i] for i in ids if i in by_id]
