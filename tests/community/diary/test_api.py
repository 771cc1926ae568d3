"""/api/v1/diary/: one's own entries, others' visible ones, and the import endpoints."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from community.accounts.models import Visibility
from community.diary.models import DiaryEntry, ImportJob
from community.reviews.models import Rating
from tests.api.conftest import client_for
from tests.community.diary.factories import DIARY_HEADER, DiaryEntryFactory, csv_bytes
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def api(member):
    return client_for(member)


@pytest.fixture
def anon():
    return APIClient()


def test_logging_through_the_api_uses_the_same_rules_as_the_page(api, member):
    movie = MovieFactory()
    response = api.post(
        "/api/v1/diary/",
        {"movie_id": movie.pk, "watched_on": "2024-01-01", "rating": "4.5", "tags": ["Noir"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == ["noir"]
    assert Rating.objects.get(user=member, movie=movie).score == Decimal("4.5")
    bad = api.post("/api/v1/diary/", {"movie_id": movie.pk, "rating": "4.2"}, format="json")
    assert bad.status_code == 400 and "score" in bad.json()
    missing = api.post("/api/v1/diary/", {"movie_id": 999999}, format="json")
    assert missing.status_code == 400 and "movie_id" in missing.json()


def test_own_entries_are_listed_changed_and_deleted(api, member):
    entry = DiaryEntryFactory(user=member, watched_on=datetime.date(2024, 1, 1))
    assert [e["id"] for e in api.get("/api/v1/diary/").json()["results"]] == [entry.pk]
    response = api.patch(f"/api/v1/diary/{entry.pk}/", {"rewatch": True, "tags": ["a"]}, format="json")
    assert (
        response.status_code == 200
        and response.json()["rewatch"] is True
        and response.json()["tags"] == ["a"]
    )
    assert api.delete(f"/api/v1/diary/{entry.pk}/").status_code == 204
    assert not DiaryEntry.objects.exists()


def test_others_entries_are_readable_only_when_visible_and_never_writable(api, anon):
    owner = UserFactory()
    public = DiaryEntryFactory(user=owner)
    private = DiaryEntryFactory(user=owner, visibility=Visibility.ONLY_ME)
    listed = api.get(f"/api/v1/diary/?user={owner.username}").json()["results"]
    assert [e["id"] for e in listed] == [public.pk]
    assert anon.get(f"/api/v1/diary/?user={owner.username}").status_code == 200
    assert api.get(f"/api/v1/diary/{private.pk}/").status_code == 404
    assert api.get(f"/api/v1/diary/{public.pk}/").status_code == 200
    assert api.patch(f"/api/v1/diary/{public.pk}/", {"rewatch": True}, format="json").status_code == 403
    assert api.delete(f"/api/v1/diary/{public.pk}/").status_code == 403
    assert anon.get("/api/v1/diary/").status_code == 401


def test_the_import_api_accepts_an_upload_and_refuses_a_bad_file(api, member, monkeypatch):
    from community.diary import tasks

    monkeypatch.setattr(tasks.letterboxd_import, "delay", lambda job_id: None)
    MovieFactory(title="Heat", year=1995)
    bad = api.post(
        "/api/v1/diary/imports/", {"file": SimpleUploadedFile("x.zip", b"nope")}, format="multipart"
    )
    assert bad.status_code == 400 and "file" in bad.json()
    data = csv_bytes(DIARY_HEADER, [["", "Heat", "1995", "", "", "", "", "2024-01-01"]])
    response = api.post(
        "/api/v1/diary/imports/", {"file": SimpleUploadedFile("diary.csv", data)}, format="multipart"
    )
    assert response.status_code == 202 and response.json()["status"] == "pending"
    job = ImportJob.objects.get(user=member)
    assert api.get(f"/api/v1/diary/imports/{job.pk}/").json()["total"] == 1
    assert client_for(UserFactory()).get(f"/api/v1/diary/imports/{job.pk}/").status_code == 404
