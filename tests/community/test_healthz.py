"""/healthz: the database, the broker, the cache and the models, each on its own; details for staff."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from community.core import health
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_broker_client():
    health._redis_client.cache_clear()
    yield
    health._redis_client.cache_clear()


@pytest.fixture
def redis_broker(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("checks the Redis broker")


def test_when_everything_answers_it_is_200_with_each_parts_status_and_no_details(client, redis_broker):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert body["broker"] == {"status": "ok"}
    assert body["cache"] == {"status": "ok"}
    assert body["models"]["status"] in {"ready", "warming_up"}
    assert set(body["models"]["parts"]["recommender"]) == {"ready"}


def test_staff_also_see_timings_queue_lengths_and_model_details(client, redis_broker, settings):
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/healthz").json()
    assert body["database"]["ms"] >= 0
    assert settings.CELERY_TASK_DEFAULT_QUEUE in body["broker"]["queues"]
    models = body["models"]["parts"]["recommender"]
    assert {"sentiment", "generator", "embeddings", "recommender", "versions", "stage"} <= set(models)


def test_an_unreachable_broker_makes_it_503_within_about_a_second(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2.5
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["broker"] == {"status": "error"} and body["database"] == {"status": "ok"}


def test_staff_read_why_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/healthz").json()
    assert body["broker"]["status"] == "error" and "ConnectionError" in body["broker"]["error"]


def test_a_failing_cache_makes_it_503(client, redis_broker, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(health.cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["cache"] == {"status": "error"}


def test_a_database_that_does_not_answer_makes_it_503(client, redis_broker, monkeypatch):
    def refuse():
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(health, "_database", refuse)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["database"] == {"status": "error"}
    assert body["broker"] == {"status": "ok"}


def test_models_still_warming_up_do_not_make_it_fail(client, redis_broker, monkeypatch):
    monkeypatch.setitem(health._readiness, "recommender", lambda: {"ready": False, "stage": "sentiment"})
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["models"] == {"status": "warming_up", "parts": {"recommender": {"ready": False}}}


def test_model_readiness_is_read_from_files_without_loading_a_model(fake_models, monkeypatch):
    from recommender.apps import models_readiness
    from recommender.llm import sentiment

    monkeypatch.setattr(sentiment.store, "load_sentiment", lambda *a, **k: pytest.fail("loaded a model"))
    state = models_readiness()
    # Fake language models are always ready; no recommender model was trained in tmp_path.
    assert state["sentiment"] and state["generator"] and not state["recommender"]
    assert state["ready"] is False
