"""Faults: the database is unreachable (a 503 page, a JSON 503, recovery by itself); the broker is down
while a review is posted (the review is saved, the sweep queues its analysis later)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.db.backends import utils as db_utils
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from community.reviews.models import Review
from tests.factories import MovieFactory, UserFactory

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def database_down(db):
    """Call it to make every query fail as with a stopped server (a real closed port is in the
    recovery test); undone before the test database is rolled back."""

    def refuse(self, *args, **kwargs):
        raise OperationalError(REFUSED)

    with pytest.MonkeyPatch.context() as patch:

        def go_down() -> None:
            patch.setattr(db_utils.CursorWrapper, "execute", refuse)
            patch.setattr(db_utils.CursorWrapper, "executemany", refuse)

        yield go_down


def _assert_friendly_page(response):
    content = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("text/html")
    assert "We&#x27;ll be right back" in content or "We'll be right back" in content
    assert "css/site.css" in content  # styled like the site
    assert "Traceback" not in content and "OperationalError" not in content and "5432" not in content


def test_pages_answer_a_friendly_503_while_the_database_is_unreachable(database_down):
    client = Client()
    database_down()
    _assert_friendly_page(client.get("/"))
    _assert_friendly_page(client.get("/movies/"))


def test_a_signed_in_members_page_is_a_503_too(database_down):
    client = Client()
    client.force_login(UserFactory())
    database_down()
    response = client.get("/")
    _assert_friendly_page(response)
    assert response["X-Request-ID"]


def test_the_api_answers_a_json_503_while_the_database_is_unreachable(database_down):
    database_down()
    response = Client().get("/api/v1/movies/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"} and "try again" in response.json()["detail"]


def test_healthz_answers_503_naming_the_database_while_it_is_unreachable(database_down):
    database_down()
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == {"status": "error"}


def test_a_database_error_after_the_view_also_gives_the_503_page(db, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    def refuse(self, request, response):
        raise OperationalError(REFUSED)

    monkeypatch.setattr(SessionMiddleware, "process_response", refuse)
    _assert_friendly_page(Client(raise_request_exception=False).get("/movies/"))


def test_other_errors_are_still_500(db, monkeypatch):
    from community.core import views

    monkeypatch.setattr(views, "_home_render", lambda request: 1 / 0)
    assert Client(raise_request_exception=False).get("/").status_code == 500


@pytest.mark.django_db(transaction=True)
def test_the_site_recovers_by_itself_when_the_database_answers_again(settings):
    """A real refused connection (the database's port pointed at a closed one), then restored."""
    client = Client()
    assert client.get("/movies/").status_code == 200
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: connect() is refused
    try:
        _assert_friendly_page(client.get("/movies/"))
        assert client.get("/api/v1/movies/").status_code == 503
    finally:
        connection.settings_dict["PORT"] = real_port
    assert client.get("/movies/").status_code == 200
    assert client.get("/api/v1/movies/").status_code == 200


# --- the broker is down while a review is posted -----------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    """Queuing any task fails as it does when Redis does not answer."""
    from celery.app.task import Task

    def refuse(self, *args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)


@pytest.mark.django_db(transaction=True)  # the review commits inside the request, as in production
def test_a_review_posted_while_the_broker_is_down_is_saved_and_answered_normally(broker_down, caplog):
    user, movie = UserFactory(), MovieFactory()
    client = Client()
    client.force_login(user)
    url = reverse("reviews:create", kwargs={"slug": movie.slug})
    response = client.post(url, {"body": "Worth the wait."})
    review = Review.objects.get(user=user, movie=movie)
    assert response.status_code == 302 and response.url.endswith(f"#review-{review.pk}")
    assert any("follow-up waits for a sweep" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_review_posted_through_the_api_while_the_broker_is_down_answers_201(broker_down):
    user, movie = UserFactory(), MovieFactory()
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/api/v1/movies/{movie.pk}/reviews/", {"body": "Worth the wait."}, content_type="application/json"
    )
    assert response.status_code == 201 and Review.objects.filter(user=user, movie=movie).exists()
