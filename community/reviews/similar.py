"""Similar reviews of other films, under each review: a slot the recommender fills.

Community compares no texts itself; the recommender (which keeps a vector and a neighbour list
per review) registers the one function that finds them, from its AppConfig.ready(). Until one
is registered (the recommender app not installed), no review has suggestions. The movie page
and the reviews API both ask `similar_reviews`, so they show the same thing; the provider
answers for a whole page of reviews in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from community.reviews.models import Review

SHOWN = 3


class SimilarReview(NamedTuple):
    review: Review  # with .user and .movie loaded
    similarity: float  # cosine of the two texts' vectors, 0 to 1


# provider(reviews, include_spoilers=..., limit=...) -> {review id: [SimilarReview, ...]}
SimilarProvider = Callable[..., dict[int, list[SimilarReview]]]

_provider: SimilarProvider | None = None


def similar_reviews_register(provider: SimilarProvider) -> None:
    """Provide the suggestions. The provider promises: reviews of other films, in the same
    language, by other authors, visible (not hidden by moderators), by accounts that still
    exist, and flagged as spoilers only when `include_spoilers` is true."""
    global _provider
    _provider = provider


def similar_reviews(
    reviews: Sequence[Review], *, include_spoilers: bool = False, limit: int = SHOWN
) -> dict[int, list[SimilarReview]]:
    """Up to `limit` similar reviews for each of `reviews`, by review id (none without a provider)."""
    if _provider is None or not reviews:
        return {}
    return _provider(reviews, include_spoilers=include_spoilers, limit=limit)


def attach_similar(reviews: Sequence[Review], *, include_spoilers: bool = False) -> None:
    """Set `.similar` (a list of SimilarReview) on each review, for the review card."""
    found = similar_reviews(reviews, include_spoilers=include_spoilers)
    for review in reviews:
        review.similar = found.get(review.pk, [])  # type: ignore[attr-defined]
