"""Parity tests: the website and the API answer the same request by the same rule.

Each test sets up the same situation twice (one member per front door, so one request does
not change what the other sees), drives the page and the API, and expects the same outcome.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import client_for


@pytest.fixture
def web() -> Callable[..., Client]:
    """A browser-like client signed in as the given member."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def api() -> Callable[..., APIClient]:
    """An API client holding a token of the given member."""
    return client_for
