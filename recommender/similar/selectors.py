"""Reads of similar reviews and related threads, for community's slots and the API.

Each asks for the stored neighbour lists of the reviews (or the thread) on the page, then for
the candidate rows that a reader may see, in one query each: two queries for a page of ten
reviews as for one, and no time spent on the size of the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

from community.discussions.models import Thread
from community.discussions.related import RelatedThread
from community.reviews.language import UNDETERMINED, detect_language
from community.reviews.models import Review
from community.reviews.similar import SimilarReview
from recommender.similar.models import ReviewVector, ThreadVector

# Below this cosine, two MiniLM texts rarely speak of the same thing (see docs/movie-notes.md).
MIN_SIMILARITY = 0.3
# Candidates read per review: the 3 shown plus room for those hidden, flagged or gone since the
# lists were made (the nightly pass refills lists), without loading all 20 for a page of 10.
CANDIDATES_READ = 10


def _language(review: Review) -> str:
    return review.language or detect_language(review.body)


def similar_reviews(
    reviews: Sequence[Review], *, include_spoilers: bool = False, limit: int = 3
) -> dict[int, list[SimilarReview]]:
    """For each review, up to `limit` reviews of other films saying something similar: same
    language, another author, visible, by an active account, no spoiler unless asked for."""
    lists = {
        review_id: list(zip(ids, scores, strict=True))[:CANDIDATES_READ]
        for review_id, ids, scores in ReviewVector.objects.filter(
            review_id__in=[r.pk for r in reviews]
        ).values_list("review_id", "neighbour_ids", "neighbour_scores")
    }
    wanted = {i for pairs in lists.values() for i, score in pairs if score >= MIN_SIMILARITY}
    if not wanted:
        return {}
    candidates = Review.objects.visible().filter(pk__in=wanted, user__is_active=True)
    if not include_spoilers:
        candidates = candidates.filter(has_spoilers=False)
    # The film's plot and the author's bio are the long texts no suggestion shows.
    by_id = {r.pk: r for r in candidates.select_related("user", "movie").defer("movie__plot", "user__bio")}
    found: dict[int, list[SimilarReview]] = {}
    for review in reviews:
        language = _language(review)
        if language == UNDETERMINED:
            continue  # "same language" means nothing for a text whose language is unknown
        picks = [
            SimilarReview(by_id[i], score)
            for i, score in lists.get(review.pk, [])
            if score >= MIN_SIMILARITY
            and i in by_id
            and by_id[i].movie_id != review.movie_id
            and by_id[i].user_id != review.user_id
            and _language(by_id[i]) == language
        ]
        found[review.pk] = picks[:limit]
    return found


def related_threads(thread: Thread, *, limit: int = 3) -> list[RelatedThread]:
    """Up to `limit` other visible threads whose title and opening post are close to this one's."""
    row = (
        ThreadVector.objects.filter(thread_id=thread.pk)
        .values_list("neighbour_ids", "neighbour_scores")
        .first()
    )
    if row is None:
        return []
    pairs = [(i, s) for i, s in zip(*row, strict=True) if s >= MIN_SIMILARITY and i != thread.pk]
    if not pairs:
        return []
    by_id = Thread.objects.visible().select_related("movie", "author").in_bulk([i for i, _ in pairs])
    return [RelatedThread(by_id[i], s) for i, s in pairs if i in by_id][:limit]
