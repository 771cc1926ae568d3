"""MovieLens ratings as diary entries: each rating of an imported rater becomes a watch dated by
the rating's timestamp (MovieLens keeps one rating per film, so one watch per rating)."""

from __future__ import annotations

from django.db import transaction
from tqdm import tqdm

from community.accounts.models import User, Visibility
from community.diary.models import DiaryEntry
from community.movies.importers import ImportResult
from community.reviews.models import Rating

BATCH = 5000


def diary_from_ratings(*, progress: bool = True) -> int:
    """Create the missing watches of MovieLens raters' ratings; returns how many were created.

    Idempotent: a watch is (member, film, day), so a second run finds them all and adds none.
    Ratings are written as they are: the rating already is the film's one rating.
    """
    ratings = Rating.objects.filter(user__kind=User.Kind.MOVIELENS).order_by("pk")
    before = DiaryEntry.objects.filter(user__kind=User.Kind.MOVIELENS).count()
    rows = ratings.values_list("user_id", "movie_id", "score", "created_at").iterator(chunk_size=BATCH)
    batch: list[DiaryEntry] = []
    with transaction.atomic():
        for user_id, movie_id, score, created_at in tqdm(
            rows, total=ratings.count(), desc="diary", disable=not progress
        ):
            batch.append(
                DiaryEntry(
                    user_id=user_id,
                    movie_id=movie_id,
                    watched_on=created_at.date(),
                    rating=score,
                    visibility=Visibility.PUBLIC,  # MovieLens ratings are public on the site
                    created_at=created_at,
                )
            )
            if len(batch) >= BATCH:
                DiaryEntry.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        DiaryEntry.objects.bulk_create(batch, ignore_conflicts=True)
    return DiaryEntry.objects.filter(user__kind=User.Kind.MOVIELENS).count() - before


def diary_step(*, progress: bool = True) -> ImportResult:
    """import_data's 'diary' step (after 'movielens')."""
    result = ImportResult()
    result.add("diary entries", diary_from_ratings(progress=progress))
    return result
