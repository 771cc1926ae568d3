"""Searching the catalog: the page and the API find the same movies in the same order."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


def page_ids(client, query: str) -> list[int]:
    response = client.get(reverse("movies:list"), {"q": query})
    assert response.status_code == 200
    return [movie.pk for movie in response.context["page"].object_list]


def api_ids(query: str) -> list[int]:
    response = APIClient().get("/api/v1/movies/", {"search": query})
    assert response.status_code == 200
    return [movie["id"] for movie in response.json()["results"]]


@pytest.fixture
def catalog():
    # Ties on purpose: two films called "Heat" with as many ratings, so only the last
    # tie-breaker (the id) orders them, and a "Heat ..." pair likewise.
    MovieFactory(title="The Heat", rating_count=900)
    first = MovieFactory(title="Heat", rating_count=40)
    MovieFactory(title="Heat", rating_count=40)
    # Rewritten, the first row now lies after the second on disk: without the id as the
    # last tie-breaker, PostgreSQL is free to return them either way.
    type(first).objects.filter(pk=first.pk).update(year=1995)
    MovieFactory(title="Heat Wave", rating_count=10)
    MovieFactory(title="Heat Wave", rating_count=10)
    MovieFactory(title="Thief", cast_names="The Heat Brothers", rating_count=5000)
    MovieFactory(title="Airplane", rating_count=7000)


@pytest.mark.parametrize("query", ["heat", "  HEAT  ", "heat wave", "brothers heat", "nothing-matches"])
def test_a_search_finds_the_same_movies_in_the_same_order(client, catalog, query):
    assert page_ids(client, query) == api_ids(query)


def test_the_order_is_exact_title_then_start_then_contains_then_credits(client, catalog):
    from community.movies.models import Movie

    titles = [Movie.objects.get(pk=pk).title for pk in api_ids("heat")]
    assert titles == ["Heat", "Heat", "Heat Wave", "Heat Wave", "The Heat", "Thief"]
    heats = api_ids("heat")[:2]
    assert heats == sorted(heats)  # equal rows by id, on both doors
