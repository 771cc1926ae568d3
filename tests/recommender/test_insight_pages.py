"""The studio console's pages: scoping to the member's studios, privacy, CSV and query counts."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from community.studios.models import Studio, StudioMembership
from recommender.insight import services
from recommender.models import ReviewAnalysis
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def analyse(review, label, aspects):
    return ReviewAnalysis.objects.create(
        review=review,
        label=label,
        score=0.8 if label == "positive" else -0.8,
        confidence=0.8,
        aspects=aspects,
        text_hash="x",
        model_name="test",
        model_version="v1",
        analysed_at=timezone.now(),
    )


@pytest.fixture
def world():
    """Studio A with two films (one well reviewed by 6 members, one rated by 2), studio B with one."""
    drama = GenreFactory(name="Drama")
    a, b = (
        Studio.objects.create(name="Alpha Pictures", slug="alpha"),
        Studio.objects.create(name="Beta", slug="beta"),
    )
    big = MovieFactory(title="Big Picture", year=1997)
    small = MovieFactory(title="Small Picture", year=2001)
    secret = MovieFactory(title="Secret Picture", year=1997)
    for movie in (big, small, secret):
        movie.genres.add(drama)
    a.movies.add(big, small)
    b.movies.add(secret)
    raters = [UserFactory(username=f"visible_rater_{i}") for i in range(6)]
    for i, user in enumerate(raters):
        RatingFactory(user=user, movie=big, score=Decimal("4.5") if i % 2 else Decimal("3.5"))
        review = ReviewFactory(user=user, movie=big, body=f"The acting is superb, take {i}.")
        analyse(
            review,
            "positive",
            [
                {
                    "aspect": "acting",
                    "sentiment": "positive",
                    "score": 0.9,
                    "sentence": f"The acting is superb, take {i}.",
                }
            ],
        )
    for user in raters[:2]:
        RatingFactory(user=user, movie=small, score=Decimal("2.0"))
    for movie in (big, small, secret):
        services.film_insight_refresh(movie_id=movie.pk)
    analyst = UserFactory(username="analyst_a")
    StudioMembership.objects.create(studio=a, user=analyst)
    return {
        "a": a,
        "b": b,
        "big": big,
        "small": small,
        "secret": secret,
        "analyst": analyst,
        "raters": raters,
    }


@pytest.fixture
def analyst_client(client, world):
    client.force_login(world["analyst"])
    return client


def test_a_member_of_no_studio_gets_404_on_the_console(client, world):
    client.force_login(UserFactory())
    assert client.get("/studio/").status_code == 404
    assert client.get("/studio/alpha/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get("/studio/alpha/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_member_of_one_studio_is_taken_straight_to_its_portfolio(analyst_client):
    response = analyst_client.get("/studio/")
    assert response.status_code == 302 and response["Location"] == "/studio/alpha/"


def test_a_member_of_two_studios_chooses_one(analyst_client, world):
    StudioMembership.objects.create(studio=world["b"], user=world["analyst"])
    body = analyst_client.get("/studio/").content.decode()
    assert "/studio/alpha/" in body and "/studio/beta/" in body


def test_a_studio_cannot_see_another_studios_pages_or_films(analyst_client, world):
    secret = world["secret"].pk
    for url in (
        "/studio/beta/",
        "/studio/beta/export.csv",
        f"/studio/beta/films/{secret}/",
        f"/studio/alpha/films/{secret}/",
        f"/studio/alpha/films/{secret}/export.csv?table=series",
        f"/studio/alpha/compare/?films={world['big'].pk},{secret}",
        "/studio/nobody/",
    ):
        assert analyst_client.get(url).status_code == 404, url


def test_the_portfolio_lists_the_studios_films_with_their_figures(
    analyst_client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = analyst_client.get("/studio/alpha/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Big Picture" in body and "Small Picture" in body and "Secret Picture" not in body
    assert "4.00" in body  # the big film's average
    assert "fewer than 5" in body  # the small film's two ratings
    assert "Acting" in body  # most praised


def test_portfolio_queries_do_not_grow_with_the_number_of_films(
    analyst_client, world, django_assert_max_num_queries
):
    for _ in range(30):
        movie = MovieFactory()
        world["a"].movies.add(movie)
        RatingFactory(movie=movie)
        services.film_insight_refresh(movie_id=movie.pk, benchmark=False)
    with django_assert_max_num_queries(12):
        assert analyst_client.get("/studio/alpha/?sort=title").status_code == 200


def test_the_portfolio_sorts_filters_and_ignores_bad_input(analyst_client, world):
    body = analyst_client.get("/studio/alpha/?sort=title").content.decode()
    assert body.index("Big Picture") < body.index("Small Picture")
    body = analyst_client.get("/studio/alpha/?sort=-title").content.decode()
    assert body.index("Small Picture") < body.index("Big Picture")
    body = analyst_client.get("/studio/alpha/?year=2001").content.decode()
    assert "Small Picture" in body and "Big Picture" not in body
    body = analyst_client.get("/studio/alpha/?genre=drama").content.decode()
    assert "Small Picture" in body
    response = analyst_client.get("/studio/alpha/?year=abc&sort=nonsense&page=-3")
    assert response.status_code == 200 and "were not understood" in response.content.decode()


def test_the_film_page_shows_charts_aspects_quotes_and_masks_small_groups(
    analyst_client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = analyst_client.get(f"/studio/alpha/films/{world['big'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") >= 3 and "<title" in body and "<desc" in body
    assert "The acting is superb" in body
    assert "fewer than 5" in body  # each half-star bin holds 3 ratings
    assert "style=" not in body


def test_quotes_need_five_reviewers(analyst_client, world):
    ReviewAnalysis.objects.filter(review__user__in=world["raters"][:2]).delete()
    services.film_insight_refresh(movie_id=world["big"].pk)
    body = analyst_client.get(f"/studio/alpha/films/{world['big'].pk}/").content.decode()
    assert "The acting is superb" not in body
    assert "fewer than 5" in body


def test_no_username_or_profile_link_appears_anywhere_in_the_console(analyst_client, world):
    big, small = world["big"].pk, world["small"].pk
    pages = [
        "/studio/alpha/",
        "/studio/alpha/export.csv",
        f"/studio/alpha/films/{big}/",
        f"/studio/alpha/films/{small}/",
        f"/studio/alpha/compare/?films={big},{small}",
        f"/studio/alpha/compare/export.csv?films={big},{small}",
        *[
            f"/studio/alpha/films/{big}/export.csv?table={t}"
            for t in ("histogram", "series", "aspects", "segments", "benchmarks")
        ],
    ]
    for url in pages:
        body = analyst_client.get(url).content.decode()
        assert "visible_rater" not in body, url
        # the only profile link allowed is the signed-in analyst's own, in the site navigation
        assert not re.search(r'href="/(?:u|users|members|people)/(?!analyst_a)', body), url


def test_the_csv_downloads_parse_and_match_the_tables(analyst_client, world):
    response = analyst_client.get("/studio/alpha/?format=csv&sort=title")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["title"] for r in rows] == ["Big Picture", "Small Picture"]
    assert rows[0]["average_rating"] == "4.0" and rows[1]["ratings"] == "fewer than 5"
    series = analyst_client.get(f"/studio/alpha/films/{world['big'].pk}/export.csv?table=aspects")
    aspects = list(csv.DictReader(io.StringIO(series.content.decode())))
    assert aspects[0]["aspect"] == "acting" and aspects[0]["reviewers"] == "6"
    assert (
        analyst_client.get(f"/studio/alpha/films/{world['big'].pk}/?format=csv&table=bogus").status_code
        == 400
    )


def test_compare_shows_two_to_four_films_and_explains_bad_input(analyst_client, world):
    big, small = world["big"].pk, world["small"].pk
    response = analyst_client.get(f"/studio/alpha/compare/?film={big}&film={small}")
    body = response.content.decode()
    assert response.status_code == 200 and "Big Picture" in body and "Small Picture" in body
    response = analyst_client.get(f"/studio/alpha/compare/?films={big}")
    assert response.status_code == 400 and "two to four" in response.content.decode()
    assert analyst_client.get("/studio/alpha/compare/?films=x,y").status_code == 400
    assert analyst_client.get("/studio/alpha/compare/").status_code == 200


def test_the_site_navigation_shows_studio_only_to_studio_members(client, world):
    client.force_login(world["analyst"])
    assert 'href="/studio/"' in client.get("/movies/").content.decode()
    client.force_login(world["raters"][0])
    assert 'href="/studio/"' not in client.get("/movies/").content.decode()
