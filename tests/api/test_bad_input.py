"""Input that reaches the database layer in odd shapes answers 4xx, never 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("patch", "/api/v1/me/", {"favourite_genres": ["a\x00b"]}),
        ("patch", "/api/v1/me/", {"bio": "a\x00b"}),
        ("post", "/api/v1/me/following/", {"username": "a\x00b"}),
        ("post", "/api/v1/me/watchlist/", {"movie_id": "1\x00"}),
        ("post", "/api/v1/auth/token/", {"username": "a\x00b", "password": "x\x00"}),
        ("post", "/api/v1/auth/signup/", {"username": "a\x00b", "password": "x\x00yyyyyyyyyyyy"}),
        ("get", "/api/v1/movies/?genre=a%00b", None),
        ("get", "/api/v1/movies/?slug=a%00b", None),
        ("get", "/api/v1/movies/?search=%00", None),
        ("get", "/api/v1/movies/?ordering=%00", None),
        ("get", "/api/v1/movies/?page=%00", None),
        ("get", "/api/v1/me/recommendations/?row=%00", None),
        ("get", "/api/v1/studios/a%00b/", None),
        ("delete", "/api/v1/me/following/a%00b/", None),
        ("get", "/api/v1/users/a%00b/", None),
        ("get", "/api/v1/users/a%00b/reviews/", None),
        ("get", "/api/v1/movies/1%00/", None),
    ],
)
def test_nul_characters_answer_4xx(api, method, url, payload):
    call = getattr(api, method)
    response = call(url, payload, format="json") if payload is not None else call(url)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "body",
    ["{", "[]", '"text"', "null", "1e999999", '{"body": "\\ud800"}', "\xff\xfe"],
)
def test_odd_json_bodies_answer_400(api, body):
    from tests.factories import MovieFactory

    movie = MovieFactory()
    response = api.post(f"/api/v1/movies/{movie.pk}/reviews/", data=body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/movies/", "/api/v1/movies/{movie}/reviews/", "/api/v1/me/ratings/"])
@pytest.mark.parametrize("ordering", [",", ",,-", " "])
def test_empty_ordering_keys_are_ignored_or_refused_never_500(api, url, ordering):
    from tests.factories import MovieFactory

    movie = MovieFactory()
    response = api.get(url.format(movie=movie.pk), {"ordering": ordering})
    assert response.status_code in (200, 400)
