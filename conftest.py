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
