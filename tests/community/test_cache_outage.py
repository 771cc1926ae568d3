"""Redis (the shared cache) unreachable: members keep signing in, reading and posting."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from community.reviews.models import Review
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once, as while Redis restarts.
UNREACHABLE = {
    "default": {
        "BACKEND": "community.core.cache.ReusedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CACHE_IS_SHARED = True
    yield


def test_an_unreachable_cache_reads_as_empty_and_writes_are_skipped(redis_down):
    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")


def test_a_member_posts_a_review_while_the_cache_is_down(redis_down):
    user, movie = UserFactory(), MovieFactory()
    client = Client()
    client.force_login(user)
    response = client.post(reverse("reviews:create", kwargs={"slug": movie.slug}), {"body": "Still here."})
    assert response.status_code == 302
    assert Review.objects.filter(user=user, movie=movie, body="Still here.").exists()
    assert client.get(movie.get_absolute_url()).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_works_while_the_cache_is_down(redis_down):
    from tests.factories import TEST_PASSWORD

    user = UserFactory()
    response = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
