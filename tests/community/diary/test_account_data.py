"""The diary in the JSON export, and gone with the account."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from community.accounts.services import account_delete, account_export
from community.diary.models import DiaryEntry, ImportJob, LikedFilm
from tests.community.diary.factories import DiaryEntryFactory
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_json_export_holds_the_diary_and_liked_films():
    entry = DiaryEntryFactory(
        movie=MovieFactory(title="Heat"),
        watched_on=datetime.date(2024, 1, 2),
        rating=Decimal("4.0"),
        tags=["noir"],
    )
    LikedFilm.objects.create(user=entry.user, movie=entry.movie)
    data = account_export(user=entry.user)
    assert data["diary_entries"] == [
        {
            "movie": "Heat",
            "year": entry.movie.year,
            "movie_slug": entry.movie.slug,
            "watched_on": "2024-01-02",
            "rewatch": False,
            "rating": "4.0",
            "review_id": None,
            "tags": ["noir"],
            "visibility": "public",
            "created_at": entry.created_at.isoformat(),
        }
    ]
    assert [x["movie"] for x in data["liked_films"]] == ["Heat"]


def test_the_json_export_says_whether_the_stats_pages_are_shared():
    from community.diary.services import stats_sharing_set

    user = UserFactory()
    assert account_export(user=user)["stats_sharing"] == {"shared": False, "updated_at": None}
    choice = stats_sharing_set(user=user, shared=True)
    assert account_export(user=user)["stats_sharing"] == {
        "shared": True,
        "updated_at": choice.updated_at.isoformat(),
    }


def test_deleting_the_account_deletes_its_diary_likes_and_imports_only():
    entry, other = DiaryEntryFactory(), DiaryEntryFactory()
    LikedFilm.objects.create(user=entry.user, movie=entry.movie)
    ImportJob.objects.create(user=entry.user, filename="x.zip")
    account_delete(user=entry.user)
    assert list(DiaryEntry.objects.all()) == [other]
    assert not LikedFilm.objects.exists() and not ImportJob.objects.exists()
    assert UserFactory()  # the site still works
