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
