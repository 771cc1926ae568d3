"""Free tags on reviews: the review form and API, the review card, the tag cloud, films by tag,
the data export and the Letterboxd import and export."""

from __future__ import annotations

import io
import zipfile

import pytest

from community.diary import imports
from community.diary.exports import letterboxd_export
from community.diary.selectors import tag_cloud
from community.diary.tagging import review_post_tagged
from community.diary.tasks import letterboxd_import
from community.moderation.services import content_hide
from community.reviews.models import Review
from tests.community.diary.factories import REVIEWS_HEADER, DiaryEntryFactory, csv_bytes
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def slugs(review: Review) -> list[str]:
    return sorted(review.tags.values_list("slug", flat=True))  # type: ignore[attr-defined]


def test_the_review_form_takes_tags_and_the_review_shows_them(client):
    user, movie = UserFactory(), MovieFactory()
    client.force_login(user)
    response = client.post(
        f"/movies/{movie.slug}/review/", {"body": "Moody and slow.", "tags": "Rainy Day!, noir, noir"}
    )
    assert response.status_code == 302, response.content
    review = Review.objects.get(user=user, movie=movie)
    assert slugs(review) == ["noir", "rainy-day"]
    page = client.get(movie.get_absolute_url()).content.decode()
    assert f'href="/u/{user.username}/tags/rainy-day/"' in page
    edit = client.get(f"/reviews/{review.pk}/edit/")
    assert "noir, rainy-day" in edit.content.decode()
    client.post(f"/reviews/{review.pk}/edit/", {"body": "Moody and slow.", "tags": "noir"})
    assert slugs(review) == ["noir"]


def test_too_many_tags_are_refused_on_the_form_and_nothing_is_posted(client):
    user, movie = UserFactory(), MovieFactory()
    client.force_login(user)
    tags = ", ".join(f"t{i}" for i in range(21))
    response = client.post(f"/movies/{movie.slug}/review/", {"body": "Fine.", "tags": tags})
    assert response.status_code == 400 and "at most 20 tags" in response.content.decode()
    assert not Review.objects.exists()


def test_the_api_writes_and_reads_a_reviews_tags(client):
    user, movie = UserFactory(), MovieFactory()
    client.force_login(user)
    created = client.post(
        f"/api/v1/movies/{movie.pk}/reviews/",
        {"body": "Tense.", "tags": ["Heist", "city at night"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["tags"] == ["city-at-night", "heist"]
    review_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/reviews/{review_id}/", {"tags": ["heist"]}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["tags"] == ["heist"]
    untouched = client.patch(
        f"/api/v1/reviews/{review_id}/", {"body": "Tense!"}, content_type="application/json"
    )
    assert untouched.json()["tags"] == ["heist"]  # tags not given: kept
    other = UserFactory()
    client.force_login(other)
    assert (
        client.patch(
            f"/api/v1/reviews/{review_id}/", {"tags": []}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_tag_cloud_and_films_by_tag_count_reviews_beside_watches(client):
    owner = UserFactory()
    watched, reviewed = MovieFactory(title="Heat"), MovieFactory(title="Thief")
    DiaryEntryFactory(user=owner, movie=watched, tags=["noir"])
    review_post_tagged(user=owner, movie=reviewed, body="Neon.", tags=["noir", "synth"])
    cloud = {t.slug: t.uses for t in tag_cloud(owner=owner, viewer=UserFactory())}
    assert cloud == {"noir": 2, "synth": 1}
    page = client.get(f"/u/{owner.username}/tags/noir/").content.decode()
    assert "Heat" in page and "Thief" in page
    synth = client.get(f"/u/{owner.username}/tags/synth/").content.decode()
    assert "Thief" in synth and "No films with this tag" not in synth


def test_a_hidden_reviews_tags_show_only_to_its_author(client):
    owner, movie = UserFactory(), MovieFactory(title="Thief")
    review = review_post_tagged(user=owner, movie=movie, body="Neon.", tags=["synth"])
    content_hide(staff=UserFactory(is_staff=True), target=review, reason="Spoilers")
    assert tag_cloud(owner=owner, viewer=UserFactory()) == []
    assert [t.slug for t in tag_cloud(owner=owner, viewer=owner)] == ["synth"]
    assert "Thief" not in client.get(f"/u/{owner.username}/tags/synth/").content.decode()


def test_review_tags_are_in_the_data_export():
    user = UserFactory()
    review_post_tagged(user=user, movie=MovieFactory(), body="Neon.", tags=["synth"])
    from community.core.exports import export_build

    data = export_build(user=user)
    assert [r["tags"] for r in data["review_tags"]] == [["synth"]]


def test_letterboxd_review_tags_go_onto_the_review_and_come_back_out():
    movie = MovieFactory(title="Heat", year=1995)
    data = csv_bytes(
        REVIEWS_HEADER,
        [["2024-01-02", "Heat", "1995", "", "4", "", "Tense<br/>and long", "crime, LA", "2024-01-01"]],
    )
    user = UserFactory()
    for _ in range(2):  # the second import changes nothing
        job = imports.import_job_create(user=user, data=data, filename="reviews.csv")
        assert letterboxd_import.apply(args=[job.pk]).get() == "done"
    review = Review.objects.get(user=user, movie=movie)
    assert slugs(review) == ["crime", "la"]
    job.refresh_from_db()
    assert not any(k.endswith((":created", ":updated")) for k in job.summary["counts"])
    exported = zipfile.ZipFile(io.BytesIO(letterboxd_export(user=user)))
    assert "crime, la" in exported.read("reviews.csv").decode()
