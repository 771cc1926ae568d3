"""Tags on reviews: posting and editing a review with its tags (reading reviews by tag is
selectors.tagged_reviews).

Tags belong to the diary app (one normalised Tag row per spelling, see services.tag_normalise);
a review's tags are the Tag.reviews relation. community.reviews never imports this app, so the
review pages and API call these services, which wrap the review services in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from community.accounts.models import User
from community.diary.models import Tag
from community.diary.services import tags_get_or_create
from community.movies.models import Movie
from community.reviews.models import Review
from community.reviews.services import review_post, review_update


def review_tags_set(*, review: Review, user: User, tags: Iterable[str]) -> list[Tag]:
    """Replace the tags of one's own review (normalised, at most 20; ValidationError on `tags`)."""
    if not user.is_authenticated or review.user_id != user.pk:
        raise PermissionDenied("Only the author can tag this review.")
    rows = tags_get_or_create(names=tags)
    review.tags.set(rows)
    return rows


def review_tags_add(*, review_id: int, tag_ids: Iterable[int]) -> int:
    """Add tags (by id) to a review without removing any (an import, so adding the same tags
    again changes nothing); returns how many were new."""
    through = Tag.reviews.through
    have = set(through.objects.filter(review_id=review_id).values_list("tag_id", flat=True))
    new = sorted(set(tag_ids) - have)
    through.objects.bulk_create([through(review_id=review_id, tag_id=t) for t in new], ignore_conflicts=True)
    return len(new)


def review_post_tagged(
    *, user: User, movie: Movie, body: str, has_spoilers: bool = False, tags: Iterable[str] = ()
) -> Review:
    """Post a review (community.reviews.services.review_post: its limits and events) with its
    tags, both or neither."""
    with transaction.atomic():
        rows = tags_get_or_create(names=tags)  # refuses too many tags before anything is written
        review = review_post(user=user, movie=movie, body=body, has_spoilers=has_spoilers)
        review.tags.set(rows)
    return review


def review_update_tagged(
    *, review: Review, user: User, body: str, has_spoilers: bool, tags: Iterable[str] | None = None
) -> Review:
    """Edit one's own review; tags, when given, replace the review's tags."""
    with transaction.atomic():
        review = review_update(review=review, user=user, body=body, has_spoilers=has_spoilers)
        if tags is not None:
            review_tags_set(review=review, user=user, tags=tags)
    return review
