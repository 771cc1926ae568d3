"""The Letterboxd import: matching, what each file does, idempotence, unmatched films, the task,
and the round trip through the Letterboxd export."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from community.diary import imports
from community.diary.exports import letterboxd_export
from community.diary.models import DiaryEntry, ImportJob, LikedFilm
from community.diary.tasks import letterboxd_import
from community.reviews.models import Rating, Review
from community.social.models import WatchlistItem
from tests.community.diary.factories import (
    DIARY_HEADER,
    FILMS_HEADER,
    RATINGS_HEADER,
    REVIEWS_HEADER,
    csv_bytes,
    zip_of,
)
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def films():
    return {
        "heat": MovieFactory(title="Heat", year=1995),
        "usual": MovieFactory(title="Usual Suspects, The", year=1995),
        "ran": MovieFactory(title="Ran", year=1985),
        "amelie": MovieFactory(title="Amelie (Fabuleux destin d'Amélie Poulain, Le)", year=2001),
        "solaris72": MovieFactory(title="Solaris", year=1972),
        "solaris02": MovieFactory(title="Solaris", year=2002),
    }


def export_zip() -> bytes:
    return zip_of(
        {
            "diary.csv": csv_bytes(
                DIARY_HEADER,
                [
                    ["2024-01-02", "Heat", "1995", "", "4", "", "crime, Rainy Day", "2024-01-01"],
                    ["2024-02-02", "Heat", "1995", "", "5", "Yes", "", "2024-02-01"],
                    ["2024-01-05", "The Usual Suspects", "1995", "", "3.5", "", "", "2024-01-05"],
                    ["2024-01-06", "Amélie", "2002", "", "", "", "", "2024-01-06"],  # year one off
                    ["2024-01-07", "Solaris", "1990", "", "", "", "", "2024-01-07"],  # no match
                    ["2024-01-08", "Nonexistent Picture", "1990", "", "", "", "", "2024-01-08"],
                ],
            ),
            "ratings.csv": csv_bytes(RATINGS_HEADER, [["2024-02-02", "Heat", "1995", "", "4.5"]]),
            "reviews.csv": csv_bytes(
                REVIEWS_HEADER,
                [
                    [
                        "2024-01-05",
                        "The Usual Suspects",
                        "1995",
                        "",
                        "3.5",
                        "",
                        "Twisty<br/><i>Kobayashi</i>",
                        "",
                        "2024-01-05",
                    ]
                ],
            ),
            "watched.csv": csv_bytes(
                FILMS_HEADER, [["2023-06-01", "Ran", "1985", ""], ["2023-06-01", "Heat", "1995", ""]]
            ),
            "watchlist.csv": csv_bytes(FILMS_HEADER, [["2023-06-01", "Ran", "1985", ""]]),
            "likes/films.csv": csv_bytes(FILMS_HEADER, [["2023-06-01", "Heat", "1995", ""]]),
        }
    )


def run(user, data: bytes, filename: str = "letterboxd.zip") -> ImportJob:
    job = imports.import_job_create(user=user, data=data, filename=filename)
    result = letterboxd_import.apply(args=[job.pk]).get()  # the real task, in this process
    assert result == "done"
    job.refresh_from_db()
    return job


def snapshot(user) -> dict:
    return {
        "diary": sorted(
            (
                e.movie_id,
                e.watched_on,
                e.rewatch,
                e.rating,
                tuple(sorted(t.slug for t in e.tags.all())),
                e.review_id,
            )
            for e in DiaryEntry.objects.filter(user=user).prefetch_related("tags")
        ),
        "ratings": sorted(Rating.objects.filter(user=user).values_list("movie_id", "score", "updated_at")),
        "reviews": sorted(Review.objects.filter(user=user).values_list("movie_id", "body", "updated_at")),
        "watchlist": sorted(WatchlistItem.objects.filter(user=user).values_list("movie_id", flat=True)),
        "likes": sorted(LikedFilm.objects.filter(user=user).values_list("movie_id", flat=True)),
    }


def test_an_export_imports_every_file_and_matches_films_by_title_and_year(films):
    user = UserFactory()
    job = run(user, export_zip())
    heat = DiaryEntry.objects.filter(user=user, movie=films["heat"]).order_by("watched_on")
    assert [(e.watched_on, e.rating, e.rewatch) for e in heat] == [
        (datetime.date(2024, 1, 1), Decimal("4.0"), False),
        (datetime.date(2024, 2, 1), Decimal("5.0"), True),
    ]
    assert sorted(heat[0].tags.values_list("slug", flat=True)) == ["crime", "rainy-day"]
    # ratings.csv holds the film's current rating: it wins over the latest watch's
    assert Rating.objects.get(user=user, movie=films["heat"]).score == Decimal("4.5")
    assert Rating.objects.get(user=user, movie=films["usual"]).score == Decimal("3.5")
    review = Review.objects.get(user=user, movie=films["usual"])
    assert review.body == "Twisty\nKobayashi"
    assert DiaryEntry.objects.get(user=user, movie=films["usual"]).review == review
    assert DiaryEntry.objects.filter(user=user, movie=films["amelie"]).exists()  # year +-1, unique
    # watched.csv: a film not in the diary gets a watch on the day it was marked; Heat is left alone
    assert list(
        DiaryEntry.objects.filter(user=user, movie=films["ran"]).values_list("watched_on", flat=True)
    ) == [datetime.date(2023, 6, 1)]
    assert DiaryEntry.objects.filter(user=user, movie=films["heat"]).count() == 2
    assert WatchlistItem.objects.filter(user=user, movie=films["ran"]).exists()
    assert LikedFilm.objects.filter(user=user, movie=films["heat"]).exists()
    assert [(g["name"], g["year"]) for g in job.unmatched] == [
        ("Solaris", 1990),
        ("Nonexistent Picture", 1990),
    ]
    solaris = job.unmatched[0]["candidates"]
    assert [c["year"] for c in solaris] == [2002, 1972]  # both Solaris, closest year first
    assert job.summary["counts"]["diary:created"] == 4
    assert job.processed == job.total and job.rows == []


def test_importing_the_same_file_twice_changes_nothing(films):
    user = UserFactory()
    run(user, export_zip())
    before = snapshot(user)
    job = run(user, export_zip())
    assert snapshot(user) == before
    assert not any(key.endswith((":created", ":updated")) for key in job.summary["counts"])


def test_an_import_rates_films_in_one_event_and_keeps_their_counters(
    films, django_capture_on_commit_callbacks
):
    from community.core import events

    received, single = [], []
    events.ratings_saved.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t-import")
    events.rating_saved.connect(lambda **kw: single.append(kw), weak=False, dispatch_uid="t-import-one")
    try:
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            run(user, export_zip())
        with django_capture_on_commit_callbacks(execute=True):
            run(user, export_zip())
    finally:
        events.ratings_saved.disconnect(dispatch_uid="t-import")
        events.rating_saved.disconnect(dispatch_uid="t-import-one")
    assert single == []
    assert [(r["user_id"], r["movie_ids"]) for r in received] == [
        (user.pk, sorted([films["heat"].pk, films["usual"].pk]))
    ]  # once for the first import, never for the second (nothing changed)
    films["heat"].refresh_from_db()
    assert (films["heat"].rating_count, films["heat"].rating_average) == (1, pytest.approx(4.5))


def test_a_watch_with_the_same_film_and_date_is_updated_not_duplicated(films):
    user = UserFactory()
    run(user, csv_bytes(DIARY_HEADER, [["", "Heat", "1995", "", "", "", "", "2024-01-01"]]), "diary.csv")
    run(
        user,
        csv_bytes(DIARY_HEADER, [["", "Heat", "1995", "", "2.5", "Yes", "noir", "2024-01-01"]]),
        "diary.csv",
    )
    entry = DiaryEntry.objects.get(user=user, movie=films["heat"])
    assert (entry.rating, entry.rewatch, list(entry.tags.values_list("slug", flat=True))) == (
        Decimal("2.5"),
        True,
        ["noir"],
    )


def test_an_unmatched_film_is_imported_once_picked_or_skipped(films):
    user = UserFactory()
    job = run(user, export_zip())
    pick = job.unmatched[0]["candidates"][0]["id"]
    with pytest.raises(ValidationError):
        imports.import_unmatched_resolve(
            user=user, job=job, index=0, movie_id=films["heat"].pk
        )  # not offered
    imports.import_unmatched_resolve(user=user, job=job, index=0, movie_id=pick)
    imports.import_unmatched_resolve(user=user, job=job, index=1, movie_id=None)
    job.refresh_from_db()
    assert [g["status"] for g in job.unmatched] == ["imported", "skipped"]
    assert DiaryEntry.objects.filter(user=user, movie_id=pick, watched_on=datetime.date(2024, 1, 7)).exists()
    with pytest.raises(ValidationError):
        imports.import_unmatched_resolve(user=user, job=job, index=1, movie_id=None)


def test_a_bad_upload_changes_nothing(films):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        imports.import_job_create(user=user, data=b"not a zip at all", filename="export.zip")
    assert "not a ZIP" in exc.value.message_dict["file"][0]
    assert not ImportJob.objects.exists() and not DiaryEntry.objects.exists()


def test_the_task_is_safe_to_run_twice(films):
    user = UserFactory()
    job = run(user, export_zip())
    assert letterboxd_import.apply(args=[job.pk]).get() == "skipped"
    assert letterboxd_import.apply(args=[987654]).get() == "skipped"


LIST_CSV = (
    b"Letterboxd list export v7\r\n"
    b"Date,Name,Tags,URL,Description\r\n"
    b"2024-01-01,Heat and friends,,https://letterboxd.com/me/list/heat/,Crime nights\r\n"
    b"\r\n"
    b"Position,Name,Year,URL,Description\r\n"
    b"1,Heat,1995,https://boxd.it/x,The diner scene\r\n"
    b"2,Ran,1985,https://boxd.it/y,\r\n"
)


def test_export_then_import_into_a_fresh_member_gives_the_same_diary(films):
    from community.diary.tagging import review_tags_set
    from community.lists.models import FilmList, ListEntry

    first = UserFactory()
    run(first, export_zip())
    run(first, zip_of({"lists/heat-and-friends.csv": LIST_CSV}))
    # Tags on a review written from a watch are that watch's tags too, as in Letterboxd (whose
    # reviews.csv repeats the watch's tags): the import puts them on both.
    review = Review.objects.get(user=first)
    tags = review_tags_set(review=review, user=first, tags=["twist", "noir"])
    DiaryEntry.objects.get(user=first, review=review).tags.add(*tags)
    exported = letterboxd_export(user=first)
    assert sorted(zipfile.ZipFile(io.BytesIO(exported)).namelist()) == [
        "diary.csv",
        "likes/films.csv",
        "lists/heat-and-friends.csv",
        "ratings.csv",
        "reviews.csv",
        "watchlist.csv",
    ]
    second = UserFactory()
    run(second, exported)

    def comparable(user):
        shot = snapshot(user)
        return {
            "diary": [row[:5] + (bool(row[5]),) for row in shot["diary"]],
            "ratings": [row[:2] for row in shot["ratings"]],
            "reviews": [row[:2] for row in shot["reviews"]],
            "review tags": sorted(
                (r.movie_id, tuple(sorted(t.slug for t in r.tags.all())))
                for r in Review.objects.filter(user=user).prefetch_related("tags")
            ),
            "watchlist": shot["watchlist"],
            "likes": shot["likes"],
            "lists": [
                (
                    f.title,
                    f.description,
                    f.ranked,
                    list(
                        ListEntry.objects.filter(film_list=f)
                        .order_by("position")
                        .values_list("movie_id", "position", "note")
                    ),
                )
                for f in FilmList.objects.filter(owner=user).order_by("title")
            ],
        }

    before, after = comparable(first), comparable(second)
    assert before["review tags"] == [(films["usual"].pk, ("noir", "twist"))]
    assert before["likes"] == [films["heat"].pk]
    assert before["lists"][0][3] == [(films["heat"].pk, 1, "The diner scene"), (films["ran"].pk, 2, "")]
    for key in before:
        assert after[key] == before[key], key


def test_lists_in_the_export_are_handed_to_the_lists_app(films):
    from community.lists.models import FilmList

    list_csv = (
        b"Letterboxd list export v7\r\n"
        b"Date,Name,Tags,URL,Description\r\n"
        b"2024-01-01,Heat and friends,,https://letterboxd.com/me/list/heat/,Crime nights\r\n"
        b"\r\n"
        b"Position,Name,Year,URL,Description\r\n"
        b"1,Heat,1995,https://boxd.it/x,\r\n"
    )
    user = UserFactory()
    job = run(user, zip_of({"lists/heat-and-friends.csv": list_csv}))
    assert job.summary["counts"] == {"list:imported": 1}
    assert FilmList.objects.filter(owner=user, title="Heat and friends").exists()
