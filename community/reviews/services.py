"""Writes on ratings, reviews and review likes.

Every service keeps the denormalised counters (Movie.rating_count/rating_average/review_count,
Review.like_count) in step and sends the documented events after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from community.accounts.models import User
from community.accounts.verification import posting_limit_check
from community.core import events
from community.core.validation import clean_text
from community.movies.models import Movie
from community.movies.services import movie_stats_refresh
from community.notifications.models import Notification
from community.notifications.services import notification_emit
from community.reviews.language import detect_language
from community.reviews.models import REVIEW_MAX_LENGTH, Rating, Review, ReviewLike

SCORES = [Decimal(n) / 2 for n in range(1, 11)]  # 0.5, 1.0, ... 5.0


def rating_score_parse(value: object) -> Decimal:
    """Return the value as a half-star Decimal between 0.5 and 5, or raise ValidationError on `score`."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": "Choose a rating between 0.5 and 5 stars."}) from None
    if not score.is_finite() or score not in SCORES:
        raise ValidationError({"score": "Choose a rating between 0.5 and 5 stars, in half stars."})
    return score.quantize(Decimal("0.1"))


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def rating_set(*, user: User, movie: Movie, score: Decimal | float | str) -> Rating:
    """Create or change the user's rating of the movie (0.5-5 in half stars)."""
    _require_member(user)
    value = rating_score_parse(score)
    now = timezone.now()
    with transaction.atomic():
        rating, created = Rating.objects.select_for_update().get_or_create(
            user=user, movie=movie, defaults={"score": value, "created_at": now, "updated_at": now}
        )
        if not created and rating.score != value:
            rating.score = value
            rating.updated_at = now
            rating.save(update_fields=["score", "updated_at"])
        movie_stats_refresh(movie_ids=[movie.pk])
        events.send_on_commit(events.rating_saved, user_id=user.pk, movie_id=movie.pk, score=float(value))
    return rating


def ratings_set_many(*, user: User, scores: Mapping[int, Decimal | float | str]) -> tuple[int, int]:
    """Set many of the user's ratings at once, by film id (an import): each score follows
    rating_set's rules, each film's counters are recomputed once, and one ratings_saved event
    is sent for all of them instead of one rating_saved per film. A score equal to the current
    one writes nothing. Returns (created, changed)."""
    _require_member(user)
    values = {int(movie_id): rating_score_parse(score) for movie_id, score in scores.items()}
    if not values:
        return 0, 0
    now = timezone.now()
    with transaction.atomic():
        current = {
            r.movie_id: r for r in Rating.objects.select_for_update().filter(user=user, movie_id__in=values)
        }
        changed = [r for r in current.values() if r.score != values[r.movie_id]]
        for rating in changed:
            rating.score, rating.updated_at = values[rating.movie_id], now
        Rating.objects.bulk_update(changed, ["score", "updated_at"], batch_size=1000)
        new = [
            Rating(user=user, movie_id=movie_id, score=value, created_at=now, updated_at=now)
            for movie_id, value in values.items()
            if movie_id not in current
        ]
        # a rating set meanwhile by another request is overwritten, as rating_set would have done
        Rating.objects.bulk_create(
            new,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["user", "movie"],
            update_fields=["score", "updated_at"],
        )
        touched = sorted([r.movie_id for r in changed] + [r.movie_id for r in new])
        if touched:
            movie_stats_refresh(movie_ids=touched)
            events.send_on_commit(events.ratings_saved, user_id=user.pk, movie_ids=touched)
    return len(new), len(changed)


def rating_clear(*, user: User, movie: Movie) -> None:
    """Remove the user's rating of the movie, if any."""
    _require_member(user)
    with transaction.atomic():
        deleted, _ = Rating.objects.filter(user=user, movie=movie).delete()
        if deleted:
            movie_stats_refresh(movie_ids=[movie.pk])
            events.send_on_commit(events.rating_deleted, user_id=user.pk, movie_id=movie.pk)


def review_post(*, user: User, movie: Movie, body: str, has_spoilers: bool = False) -> Review:
    """Publish the user's review of the movie; one review per user and movie, and only a few a
    day until the account's email address is verified (ValidationError beyond)."""
    _require_member(user)
    text = clean_text(body, field="body", max_length=REVIEW_MAX_LENGTH)
    now = timezone.now()
    try:
        with transaction.atomic():
            posting_limit_check(user=user, posted=Review.objects.filter(user=user), noun="reviews")
            review = Review.objects.create(
                user=user,
                movie=movie,
                body=text,
                has_spoilers=bool(has_spoilers),
                language=detect_language(text),
                source=Review.Source.MEMBER,
                created_at=now,
                updated_at=now,
            )
            movie_stats_refresh(movie_ids=[movie.pk])
            events.send_on_commit(
                events.review_saved,
                review_id=review.pk,
                user_id=user.pk,
                movie_id=movie.pk,
                text_changed=True,
            )
    except IntegrityError:
        raise ValidationError(
            {"body": "You have already reviewed this movie: edit your review instead."}
        ) from None
    return review


def _require_owner(review: Review, user: User) -> None:
    if not user.is_authenticated or review.user_id != user.pk:
        raise PermissionDenied("Only the author can change this review.")


def review_update(*, review: Review, user: User, body: str, has_spoilers: bool) -> Review:
    """Change the text or spoiler flag of one's own review."""
    _require_owner(review, user)
    text = clean_text(body, field="body", max_length=REVIEW_MAX_LENGTH)
    text_changed = text != review.body
    review.body = text
    review.language = detect_language(text)
    review.has_spoilers = bool(has_spoilers)
    review.updated_at = timezone.now()
    with transaction.atomic():
        review.save(update_fields=["body", "language", "has_spoilers", "updated_at"])
        events.send_on_commit(
            events.review_saved,
            review_id=review.pk,
            user_id=review.user_id,
            movie_id=review.movie_id,
            text_changed=text_changed,
        )
    return review


def review_delete(*, review: Review, user: User) -> None:
    """Delete one's own review (its likes go with it)."""
    _require_owner(review, user)
    review_id, movie_id = review.pk, review.movie_id
    with transaction.atomic():
        review.delete()
        movie_stats_refresh(movie_ids=[movie_id])
        events.send_on_commit(events.review_deleted, review_id=review_id, user_id=user.pk, movie_id=movie_id)


def review_like(*, review: Review, user: User) -> bool:
    """Like someone else's review. Returns True if a new like was recorded."""
    _require_member(user)
    if review.user_id == user.pk:
        raise ValidationError("You cannot like your own review.")
    with transaction.atomic():
        _, created = ReviewLike.objects.get_or_create(review=review, user=user)
        if created:
            Review.objects.filter(pk=review.pk).update(like_count=F("like_count") + 1)
            notification_emit(
                recipient_id=review.user_id, actor=user, verb=Notification.Verb.REVIEW_LIKED, review=review
            )
    review.refresh_from_db(fields=["like_count"])
    return created


def review_unlike(*, review: Review, user: User) -> bool:
    """Take back a like. Returns True if a like was removed."""
    _require_member(user)
    with transaction.atomic():
        deleted, _ = ReviewLike.objects.filter(review=review, user=user).delete()
        if deleted:
            Review.objects.filter(pk=review.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
    review.refresh_from_db(fields=["like_count"])
    return bool(deleted)


def review_like_toggle(*, review: Review, user: User) -> bool:
    """Like the review, or unlike it if already liked. Returns whether the user now likes it."""
    if ReviewLike.objects.filter(review=review, user=user).exists():
        review_unlike(review=review, user=user)
        return False
    review_like(review=review, user=user)
    return True
