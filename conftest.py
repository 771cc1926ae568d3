"""Project-wide pytest fixtures (factories live in tests/factories.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def member_client(client, user):
    """A test client logged in as `user`."""
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache_and_templates():
    """Each test starts with an empty cache and freshly compiled templates.

    Pages cache shared fragments (the homepage's recent reviews), and compiled templates keep
    the tag libraries they were compiled with; neither may leak from one test to the next.
    """
    from django.core.cache import cache
    from django.template import engines

    cache.clear()
    for loader in engines["django"].engine.template_loaders:
        if hasattr(loader, "reset"):
            loader.reset()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_recommender_dir(settings, tmp_path):
    """No test reads the recommender a developer trained in the shared cache folder: rows
    written from its films broke foreign keys at teardown once one was there (a test that
    needs a model trains one in `model_dir`)."""
    settings.RECOMMENDER_MODEL_DIR = tmp_path / "no-recommender"


@pytest.fixture
def fake_models(monkeypatch, tmp_path, settings):
    """The scripted language models and an empty model cache: nothing trained on this machine
    leaks into a test."""
    settings.LLM_BACKEND = "fake"
    settings.CACHE_DIR = tmp_path / "cache"
    settings.RECOMMENDER_MODEL_DIR = tmp_path / "recommender"
    from recommender.llm.generation import get_backend

    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


@pytest.fixture
def queued(monkeypatch):
    """Text-generation tasks the code sends, as (text id, task id), kept instead of sent."""
    from recommender.tasks import generation

    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(
        generation.generated_text_produce,
        "apply_async",
        lambda args, task_id: sent.append((args[0], task_id)),
    )
    return sent
