"""Writes on the diary: logging, editing and deleting watches, tags and liked films.

A rating given with a watch becomes the member's one rating of the film through
community.reviews.services.rating_set (its rules and events), but only when that watch is the
latest rated one: an older watch logged later never overrides a newer opinion.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from community.accounts.models import User, Visibility
from community.diary.models import TAG_MAX_LENGTH, DiaryEntry, LikedFilm, StatsSharing, Tag
from community.movies.models import Movie
from community.reviews.models import Rating, Review
from community.reviews.services import rating_score_parse, rating_set, review_post

MAX_TAGS = 20


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def _require_owner(entry: DiaryEntry, user: User) -> None:
    if not user.is_authenticated or entry.user_id != user.pk:
        raise PermissionDenied("Only its owner can change this diary entry.")


def tag_normalise(raw: str) -> str:
    """A tag's one spelling: a lowercase slug ("Rainy Day!" -> "rainy-day"); '' if nothing is left."""
    return slugify(str(raw).strip(), allow_unicode=True)[:TAG_MAX_LENGTH].strip("-")


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    """The Tag rows for these names, normalised and deduplicated (at most MAX_TAGS)."""
    slugs = list(dict.fromkeys(s for s in (tag_normalise(n) for n in names) if s))
    if len(slugs) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags."})
    if not slugs:
        return []
    Tag.objects.bulk_create([Tag(slug=s) for s in slugs], ignore_conflicts=True)
    return list(Tag.objects.filter(slug__in=slugs))


def _check(*, watched_on: datetime.date, visibility: str) -> None:
    if watched_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"watched_on": "A watch date cannot be in the future."})
    if watched_on.year < 1870:
        raise ValidationError({"watched_on": "Give the date you watched it."})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose who may see this entry."})


def rating_follow_latest(*, user: User, movie: Movie) -> Rating | None:
    """Make the member's rating of the film the one of their latest rated watch, if it differs.

    Goes through rating_set (its validation, counters and the rating_saved event); nothing is
    written, and no event sent, when the rating already says the same.
    """
    latest = (
        DiaryEntry.objects.filter(user=user, movie=movie, rating__isnull=False)
        .order_by("-watched_on", "-created_at", "-pk")
        .values_list("rating", flat=True)
        .first()
    )
    current = Rating.objects.filter(user=user, movie=movie).first()
    if latest is None or (current is not None and current.score == latest):
        return current
    return rating_set(user=user, movie=movie, score=latest)


def diary_entry_log(
    *,
    user: User,
    movie: Movie,
    watched_on: datetime.date | None = None,
    rewatch: bool = False,
    rating: Decimal | str | None = None,
    tags: Iterable[str] = (),
    visibility: str = Visibility.PUBLIC,
    review_text: str = "",
    has_spoilers: bool = False,
) -> DiaryEntry:
    """Log a watch of the film (the same film and day again updates that watch).

    With a rating, the member's rating of the film follows their latest rated watch. With
    review text, the review is posted through the review service (its limits, language
    detection and review_saved event) and attached; a member who already reviewed the film
    gets that error on `review_text` and nothing is saved.
    """
    _require_member(user)
    day = watched_on or timezone.localdate()
    _check(watched_on=day, visibility=visibility)
    score = rating_score_parse(rating) if rating not in (None, "") else None
    with transaction.atomic():
        tag_rows = tags_get_or_create(names=tags)
        review = None
        if review_text and review_text.strip():
            try:
                review = review_post(user=user, movie=movie, body=review_text, has_spoilers=has_spoilers)
            except ValidationError as exc:
                raise ValidationError({"review_text": exc.messages}) from None
        entry, created = DiaryEntry.objects.get_or_create(
            user=user,
            movie=movie,
            watched_on=day,
            defaults={"rewatch": rewatch, "rating": score, "visibility": visibility, "review": review},
        )
        if not created:
            entry.rewatch, entry.visibility = rewatch, visibility
            entry.rating = score if score is not None else entry.rating
            entry.review = review or entry.review
            entry.save(update_fields=["rewatch", "rating", "visibility", "review"])
        if tag_rows:
            entry.tags.add(*tag_rows)
        if score is not None:
            rating_follow_latest(user=user, movie=movie)
    return entry


def diary_entry_update(
    *,
    entry: DiaryEntry,
    user: User,
    watched_on: datetime.date | None = None,
    rewatch: bool | None = None,
    rating: Decimal | str | None = None,
    clear_rating: bool = False,
    tags: Iterable[str] | None = None,
    visibility: str | None = None,
) -> DiaryEntry:
    """Change one's own entry; arguments left None stay as they are. Tags, when given, replace."""
    _require_owner(entry, user)
    day = watched_on or entry.watched_on
    _check(watched_on=day, visibility=visibility or entry.visibility)
    if (
        day != entry.watched_on
        and DiaryEntry.objects.filter(user=user, movie_id=entry.movie_id, watched_on=day)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ValidationError({"watched_on": "You already logged this film on that day."})
    with transaction.atomic():
        entry.watched_on = day
        if rewatch is not None:
            entry.rewatch = rewatch
        if clear_rating:
            entry.rating = None
        elif rating not in (None, ""):
            entry.rating = rating_score_parse(rating)
        if visibility is not None:
            entry.visibility = visibility
        entry.save()
        if tags is not None:
            entry.tags.set(tags_get_or_create(names=tags))
        if entry.rating is not None:
            rating_follow_latest(user=user, movie=entry.movie)
    return entry


def diary_entry_delete(*, entry: DiaryEntry, user: User) -> None:
    """Delete one's own entry. The film's rating and any review stay (they are the film's, not
    the watch's)."""
    _require_owner(entry, user)
    entry.delete()


def liked_film_set(*, user: User, movie: Movie, liked: bool = True) -> LikedFilm:
    """Mark the film as liked (or not); marking twice is harmless."""
    _require_member(user)
    item, created = LikedFilm.objects.get_or_create(user=user, movie=movie, defaults={"liked": liked})
    if not created and item.liked != liked:
        item.liked = liked
        item.save(update_fields=["liked"])
    return item


def review_attach(*, entry: DiaryEntry, review: Review) -> None:
    """Point the watch at the member's review of the same film."""
    if review.user_id != entry.user_id or review.movie_id != entry.movie_id:
        raise ValidationError("A diary entry can only hold its author's review of the same film.")
    if entry.review_id != review.pk:
        entry.review = review
        entry.save(update_fields=["review"])


def stats_sharing_set(*, user: User, shared: bool) -> StatsSharing:
    """Let others see the member's year in review and stats pages, or stop. Others still see
    figures from only the entries they may see; the member always sees all of theirs."""
    _require_member(user)
    sharing, _ = StatsSharing.objects.update_or_create(
        user=user, defaults={"shared": shared, "updated_at": timezone.now()}
    )
    return sharing
