"""The review sentiment summary of a movie: a slot the recommender fills.

Community analyses nothing itself and never imports recommender code; the recommender (which
stores each review's analysis) registers the one function that reads the summary, from its
AppConfig.ready(). Until one is registered (the recommender app not installed), a movie has
no analysed reviews.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict


class AspectCounts(TypedDict):
    aspect: str
    positive: int
    negative: int


class SentimentSummary(TypedDict):
    analysed_reviews: int
    positive: int
    negative: int
    mixed: int
    average_score: float | None  # -1 (very negative) to 1
    aspects: list[AspectCounts]  # the most discussed first


SummaryReader = Callable[..., SentimentSummary]

_reader: SummaryReader | None = None


def sentiment_summary_register(reader: SummaryReader) -> None:
    """Provide the summary: `reader(movie_id=...)` returns a SentimentSummary of the movie's
    visible reviews."""
    global _reader
    _reader = reader


def empty_summary() -> SentimentSummary:
    return {
        "analysed_reviews": 0,
        "positive": 0,
        "negative": 0,
        "mixed": 0,
        "average_score": None,
        "aspects": [],
    }


def movie_sentiment_summary(*, movie_id: int) -> SentimentSummary:
    """What the analyses of the movie's visible reviews add up to (empty if none is provided)."""
    if _reader is None:
        return empty_summary()
    return _reader(movie_id=movie_id)
