"""The studio console API: same figures as the pages, scoped to the member's studios, masked."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from community.accounts.tokens import token_create
from community.studios.models import Studio, StudioMembership
from recommender.insight import services
from recommender.models import ReviewAnalysis
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    drama = GenreFactory(name="Drama")
    a, b = Studio.objects.create(name="Alpha", slug="alpha"), Studio.objects.create(name="Beta", slug="beta")
    big, small, secret = MovieFactory(title="Big"), MovieFactory(title="Small"), MovieFactory(title="Secret")
    for movie in (big, small, secret):
        movie.genres.add(drama)
    a.movies.add(big, small)
    b.movies.add(secret)
    raters = [UserFactory(username=f"hidden_name_{i}") for i in range(7)]
    for i, user in enumerate(raters):
        RatingFactory(user=user, movie=big, score=Decimal("4.0"))
        review = ReviewFactory(user=user, movie=big, body=f"Great story number {i}.")
        ReviewAnalysis.objects.create(
            review=review,
            label="positive",
            score=0.7,
            confidence=0.7,
            aspects=[
                {
                    "aspect": "story",
                    "sentiment": "positive",
                    "score": 0.7,
                    "sentence": f"Great story number {i}.",
                }
            ],
            text_hash="x",
            model_name="t",
            model_version="v",
            analysed_at=timezone.now(),
        )
    RatingFactory(user=raters[0], movie=small, score=Decimal("1.0"))
    for movie in (big, small, secret):
        services.film_insight_refresh(movie_id=movie.pk)
    analyst = UserFactory(username="analyst_api")
    StudioMembership.objects.create(studio=a, user=analyst)
    return {"big": big, "small": small, "secret": secret, "analyst": analyst}


@pytest.fixture
def api(client, world):
    token = token_create(user=world["analyst"], name="t")[1]

    def get(url):
        return client.get(url, HTTP_AUTHORIZATION=f"Token {token}")

    return get


def test_the_portfolio_lists_the_studios_films_with_masked_counts(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = api("/api/v1/studios/alpha/portfolio/?sort=title")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    big, small = data["results"]
    assert (big["title"], big["ratings"], big["average"], big["net_sentiment"]) == ("Big", 7, 4.0, 1.0)
    assert big["most_praised"] == "story"
    assert (small["title"], small["ratings"], small["average"]) == ("Small", None, None)


def test_bad_portfolio_parameters_are_400_with_field_errors(api):
    response = api("/api/v1/studios/alpha/portfolio/?sort=bogus&year=x")
    assert response.status_code == 400
    assert set(response.json()) == {"sort", "year"}


def test_the_film_insight_matches_the_stored_aggregates(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api(f"/api/v1/studios/alpha/films/{world['big'].pk}/insight/")
    data = response.json()
    assert response.status_code == 200
    assert data["summary"]["ratings"] == 7
    assert data["histogram"][7] == {"stars": 4.0, "ratings": 7, "share": 1.0}
    story = data["aspects"][0]
    assert story["aspect"] == "story" and story["reviewers"] == 7 and len(story["quotes"]) == 3
    assert data["benchmarks"]["group"].startswith("Drama films of the 1990s")


def test_compare_needs_two_to_four_of_the_studios_films(api, world):
    big, small, secret = world["big"].pk, world["small"].pk, world["secret"].pk
    response = api(f"/api/v1/studios/alpha/compare/?films={big},{small}")
    assert response.status_code == 200
    assert [f["movie"]["title"] for f in response.json()["films"]] == ["Big", "Small"]
    assert api(f"/api/v1/studios/alpha/compare/?films={big}").status_code == 400
    assert api(f"/api/v1/studios/alpha/compare/?films={big},{secret}").status_code == 404


def test_another_studios_endpoints_are_404(api, world):
    secret = world["secret"].pk
    for url in (
        "/api/v1/studios/beta/portfolio/",
        f"/api/v1/studios/beta/films/{secret}/insight/",
        f"/api/v1/studios/alpha/films/{secret}/insight/",
        f"/api/v1/studios/beta/compare/?films={secret},{secret + 1}",
        "/api/v1/studios/nobody/portfolio/",
    ):
        assert api(url).status_code == 404, url


def test_without_a_token_the_studio_api_is_401(client, world):
    assert client.get("/api/v1/studios/alpha/portfolio/").status_code == 401


def test_no_username_appears_in_any_studio_api_answer(api, world):
    big, small = world["big"].pk, world["small"].pk
    for url in (
        "/api/v1/studios/alpha/portfolio/",
        f"/api/v1/studios/alpha/films/{big}/insight/",
        f"/api/v1/studios/alpha/films/{small}/insight/",
        f"/api/v1/studios/alpha/compare/?films={big},{small}",
    ):
        body = json.dumps(api(url).json())
        assert "hidden_name" not in body and "username" not in body and "/u/" not in body, url
