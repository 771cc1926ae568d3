"""Each review's sentiment chip: a slot the recommender fills.

Community analyses nothing itself and never reads the recommender's tables; the recommender
(which stores each review's analysis) registers the one function that joins the chips into a
query of reviews, from its AppConfig.ready(). Until one is registered (the recommender app not
installed), no review has a chip. The review selectors and the reviews API both go through
`with_sentiments`, so pages and API show the same thing, and a list page's query count does
not change (the chips come in the same query as the reviews).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from community.reviews.models import Review


class ReviewSentiment(TypedDict):
    label: str  # "positive", "negative" or "mixed"
    label_display: str  # what the chip says, e.g. "Positive"
    score: float  # -1 (very negative) to 1
    model_name: str  # the model that analysed it ("" if unknown)


SentimentsJoin = Callable[["QuerySet[Review]"], "QuerySet[Review]"]

_join: SentimentsJoin | None = None


def review_sentiments_register(join: SentimentsJoin) -> None:
    """Provide the chips: `join(reviews)` returns the queryset with each review's `sentiment`
    annotated (a ReviewSentiment, or None if it has not been analysed), in the same query."""
    global _join
    _join = join


def with_sentiments(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The reviews, each with its chip as `.sentiment` (no attribute if no provider is registered)."""
    return reviews if _join is None else _join(reviews)


def review_sentiment(review: Review) -> ReviewSentiment | None:
    """The review's chip, if it was read through `with_sentiments` and has been analysed."""
    chip: Any = getattr(review, "sentiment", None)
    return chip
