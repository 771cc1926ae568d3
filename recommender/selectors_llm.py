"""Reads for the pages that show the language-model features.

No model runs here (nor is torch imported): pages read what the tasks stored, and
ask whether the models are still warming up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from recommender.models import GeneratedText, ReviewAnalysis, TasteProfile


def models_status() -> dict[str, Any]:
    """Which models are ready, and what the background preparation is doing.

    {"sentiment": bool, "generator": bool, "embeddings": bool, "ready": bool,
     "stage": "sentiment" | "generator" | "ready" | "failed" | "", "detail": str, "error": str}
    """
    from recommender.llm import registry, sentiment
    from recommender.services.llm_models import status_read

    fake = registry.use_fake_models()
    state = {
        "sentiment": fake or sentiment.sentiment_ready(),
        "generator": fake or registry.llm_ready(),
        "embeddings": fake or registry.minilm_ready(),
    }
    progress = status_read()
    state.update(
        ready=all(state.values()),
        stage=progress.get("stage", ""),
        detail=progress.get("detail", ""),
        error=progress.get("error", ""),
    )
    return state


def review_analysis(*, review_id: int) -> ReviewAnalysis | None:
    return ReviewAnalysis.objects.filter(review_id=review_id).first()


def movie_aspect_summary(*, movie_id: int) -> list[dict[str, Any]]:
    """Per aspect: how many reviews of the movie praise or criticise it, most discussed first."""
    counts: dict[str, dict[str, Any]] = {}
    rows = ReviewAnalysis.objects.filter(review__movie_id=movie_id).values_list("aspects", flat=True)
    for aspects in rows:
        for a in aspects or []:
            entry = counts.setdefault(
                a["aspect"], {"aspect": a["aspect"], "positive": 0, "negative": 0, "mixed": 0}
            )
            entry[a.get("sentiment", "mixed")] = entry.get(a.get("sentiment", "mixed"), 0) + 1
    return sorted(counts.values(), key=lambda e: -(e["positive"] + e["negative"] + e["mixed"]))


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
