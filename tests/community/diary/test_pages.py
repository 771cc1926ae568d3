"""The diary's pages: logging from the movie page, the diary by month, visibility, tags, and the
import and export pages."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from community.accounts.models import Visibility
from community.diary.models import DiaryEntry, ImportJob
from community.reviews.models import Rating
from community.social.models import Follow
from tests.community.diary.factories import DIARY_HEADER, DiaryEntryFactory, csv_bytes
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_movie_page_logs_a_watch_and_shows_previous_watches(member_client, user):
    movie = MovieFactory(title="Heat")
    page = member_client.get(movie.get_absolute_url())
    assert b"Log a watch" in page.content and b"You have not logged this film yet" in page.content
    response = member_client.post(
        reverse("diary:log", args=[movie.slug]),
        {
            "log-watched_on": "2024-03-01",
            "log-rating": "4.5",
            "log-tags": "noir, cinema",
            "log-visibility": "public",
            "log-rewatch": "on",
        },
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(user=user, movie=movie)
    assert (entry.rating, entry.rewatch) == (Decimal("4.5"), True)
    assert Rating.objects.get(user=user, movie=movie).score == Decimal("4.5")
    page = member_client.get(movie.get_absolute_url())
    assert b"1 Mar 2024" in page.content and b"Rewatch" in page.content


def test_a_bad_log_answers_400_with_the_message_inline(member_client):
    movie = MovieFactory()
    future = (datetime.date.today() + datetime.timedelta(days=9)).isoformat()
    response = member_client.post(
        reverse("diary:log", args=[movie.slug]),
        {"log-watched_on": future, "log-rating": "", "log-visibility": "public"},
    )
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content
    assert not DiaryEntry.objects.exists()


def test_logging_needs_a_signed_in_member_and_a_csrf_token(client, user):
    movie = MovieFactory()
    url = reverse("diary:log", args=[movie.slug])
    assert (
        client.post(url, {"log-watched_on": "2024-01-01", "log-visibility": "public"}).status_code == 302
    )  # to login
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(url, {"watched_on": "2024-01-01", "visibility": "public"}).status_code == 403
    assert not DiaryEntry.objects.exists()


def test_the_diary_lists_entries_by_month_newest_first_with_marks(member_client, user):
    DiaryEntryFactory(user=user, movie=MovieFactory(title="Older"), watched_on=datetime.date(2024, 1, 5))
    DiaryEntryFactory(
        user=user,
        movie=MovieFactory(title="Newer"),
        watched_on=datetime.date(2024, 3, 5),
        rating=Decimal("4.0"),
        rewatch=True,
    )
    html = member_client.get(reverse("diary:mine")).content.decode()
    assert html.index("March 2024") < html.index("Newer") < html.index("January 2024") < html.index("Older")
    assert "★ 4" in html and "Rewatch" in html and "poster-placeholder" in html


def test_an_empty_diary_says_so_and_offers_the_import(member_client):
    html = member_client.get(reverse("diary:mine")).content.decode()
    assert "Your diary is empty" in html and reverse("diary:import") in html


def test_the_diary_page_queries_do_not_grow_with_entries(member_client, user, django_assert_max_num_queries):
    for n in range(30):
        DiaryEntryFactory(
            user=user, watched_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n), tags=["a"]
        )
    with django_assert_max_num_queries(8):
        assert member_client.get(reverse("diary:mine")).status_code == 200


def test_another_members_diary_respects_visibility(client):
    owner, follower = UserFactory(), UserFactory()
    Follow.objects.create(follower=follower, followee=owner)
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="PublicFilm"))
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="FollowersFilm"), visibility=Visibility.FOLLOWERS)
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="PrivateFilm"), visibility=Visibility.ONLY_ME)
    url = reverse("diary:member", args=[owner.username])
    anonymous = client.get(url).content.decode()
    assert "PublicFilm" in anonymous and "FollowersFilm" not in anonymous and "PrivateFilm" not in anonymous
    client.force_login(follower)
    followed = client.get(url).content.decode()
    assert "FollowersFilm" in followed and "PrivateFilm" not in followed
    client.force_login(owner)
    assert "PrivateFilm" in client.get(url).content.decode()


def test_tag_cloud_and_films_by_tag_pages(client):
    owner = UserFactory()
    DiaryEntryFactory(user=owner, movie=MovieFactory(title="Tagged <b>Film</b>"), tags=["noir"])
    cloud = client.get(reverse("diary:tags", args=[owner.username])).content.decode()
    assert "noir" in cloud
    page = client.get(reverse("diary:tag", args=[owner.username, "noir"])).content.decode()
    assert "Tagged &lt;b&gt;Film&lt;/b&gt;" in page  # escaped


def test_only_the_owner_edits_or_deletes_an_entry(client, user):
    entry = DiaryEntryFactory(user=user)
    client.force_login(UserFactory())
    assert client.get(reverse("diary:entry_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("diary:entry_delete", args=[entry.pk])).status_code == 404
    client.force_login(user)
    response = client.post(
        reverse("diary:entry_edit", args=[entry.pk]),
        {"watched_on": "2024-02-02", "rating": "3.0", "tags": "x", "visibility": "only_me"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.watched_on, entry.visibility) == (datetime.date(2024, 2, 2), "only_me")
    assert client.post(reverse("diary:entry_delete", args=[entry.pk])).status_code == 302
    assert not DiaryEntry.objects.exists()


def test_the_import_page_refuses_a_bad_file_inline_and_queues_a_good_one(member_client, user, monkeypatch):
    from community.diary import tasks

    queued = []
    monkeypatch.setattr(tasks.letterboxd_import, "delay", lambda job_id: queued.append(job_id))
    url = reverse("diary:import")
    bad = io.BytesIO(b"this is no zip")
    bad.name = "export.zip"
    response = member_client.post(url, {"file": bad, "visibility": "public"})
    assert response.status_code == 400 and b"This is not a ZIP file" in response.content
    assert not ImportJob.objects.exists()

    MovieFactory(title="Heat", year=1995)
    good = io.BytesIO(csv_bytes(DIARY_HEADER, [["", "Heat", "1995", "", "4", "", "", "2024-01-01"]]))
    good.name = "diary.csv"
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = member_client.post(url, {"file": good, "visibility": "followers"})
    job = ImportJob.objects.get(user=user)
    assert response.status_code == 302 and queued == [job.pk]
    progress = member_client.get(reverse("diary:import_job", args=[job.pk]))
    assert progress["Refresh"] == "2" and b"<progress" in progress.content
    assert member_client.get(reverse("diary:import_status", args=[job.pk])).json()["status"] == "pending"

    from community.diary.imports import import_job_run

    import_job_run(job_id=job.pk)
    review = member_client.get(reverse("diary:import_job", args=[job.pk])).content.decode()
    assert "What was imported" in review and "Every film matched" in review
    assert DiaryEntry.objects.get(user=user).visibility == "followers"


def test_someone_elses_import_job_is_a_404(client, user):
    job = ImportJob.objects.create(user=UserFactory(), filename="x.zip")
    client.force_login(user)
    assert client.get(reverse("diary:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("diary:import_status", args=[job.pk])).status_code == 404
    assert (
        client.post(reverse("diary:import_resolve", args=[job.pk, 0]), {"choice": "skip"}).status_code == 404
    )


def test_a_wrong_pick_on_the_review_screen_is_an_inline_400(member_client, user):
    job = ImportJob.objects.create(
        user=user,
        filename="x.zip",
        status="done",
        unmatched=[{"name": "Solaris", "year": 1990, "rows": [], "status": "open", "candidates": []}],
    )
    response = member_client.post(reverse("diary:import_resolve", args=[job.pk, 0]), {"choice": "12345"})
    assert response.status_code == 400 and b"Pick one of the films offered" in response.content
    assert (
        member_client.post(reverse("diary:import_resolve", args=[job.pk, 0]), {"choice": "skip"}).status_code
        == 302
    )


def test_the_letterboxd_export_downloads_a_zip_from_the_settings_page(member_client, user):
    DiaryEntryFactory(
        user=user, movie=MovieFactory(title="Heat", year=1995), watched_on=datetime.date(2024, 1, 1)
    )
    assert (
        reverse("diary:export_letterboxd").encode() in member_client.get(reverse("accounts:settings")).content
    )
    response = member_client.post(reverse("diary:export_letterboxd"))
    assert response["Content-Type"] == "application/zip"
    diary = zipfile.ZipFile(io.BytesIO(response.content)).read("diary.csv").decode()
    assert "Heat,1995" in diary and "2024-01-01" in diary
