"""Fixtures for the REST API tests: clients with and without a token, and a fresh throttle state."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from community.accounts.tokens import token_create
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_trained_recommender(settings, tmp_path):
    """API tests see the recommender without a trained model (its documented fallbacks), whatever
    a developer trained into the shared cache folder."""
    settings.RECOMMENDER_MODEL_DIR = tmp_path / "no-recommender-model"


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def other(db):
    return UserFactory()


def client_for(user) -> APIClient:
    client = APIClient()
    _, key = token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(member) -> APIClient:
    """A client authenticated with `member`'s API token."""
    return client_for(member)


@pytest.fixture
def other_api(other) -> APIClient:
    return client_for(other)
