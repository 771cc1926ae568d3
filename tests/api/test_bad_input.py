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


# --- sweeps over every route: a new route is covered without editing these tests ----------


def _routes():
    """(route with its `<converter:name>` parts, {name: converter}, view) for every path() route."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    def walk(patterns, prefix, converters):
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue  # the admin's and the API's catch-all regex routes take no names
            route = prefix + str(entry.pattern)
            found = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, found)
            elif isinstance(entry, URLPattern):
                yield route, found, entry.callback

    yield from walk(get_resolver().url_patterns, "", {})


def _fill(route: str, values) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values(m.group(1))), route)


def _is_int(converter) -> bool:
    from django.urls.converters import IntConverter

    return isinstance(converter, IntConverter)


@pytest.fixture
def world(db):
    """A member with something in every list: ratings, reviews, follows, watchlist, a thread."""
    from community.studios.models import Studio
    from tests.factories import (
        FollowFactory,
        MovieFactory,
        RatingFactory,
        ReplyFactory,
        ReviewFactory,
        ThreadFactory,
        UserFactory,
        WatchlistItemFactory,
    )

    member, friend = UserFactory(), UserFactory()
    movie = MovieFactory()
    RatingFactory(user=member, movie=movie)
    RatingFactory(user=friend, movie=movie)
    review = ReviewFactory(user=friend, movie=movie)
    WatchlistItemFactory(user=member, movie=MovieFactory())
    FollowFactory(follower=member, followee=friend)
    FollowFactory(follower=friend, followee=member)
    thread = ThreadFactory(author=friend, movie=movie)
    reply = ReplyFactory(thread=thread, author=member)
    studio = Studio.objects.create(name="Sweep Pictures", slug="sweep-pictures")
    studio.movies.add(movie)
    values = {
        "username": friend.username,
        "slug": movie.slug,
        "movie_id": movie.pk,
        "review_id": review.pk,
        "thread_id": thread.pk,
        "reply_id": reply.pk,
        "studio_slug": studio.slug,
        "panel": "review_draft",
    }
    return member, values


def _clients(member):
    from django.test import Client

    anonymous, signed_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    signed_in.force_login(member)
    return {"anonymous": anonymous, "member": signed_in}


@pytest.mark.parametrize("bad", ["%00", "a%00b", "x" * 151])
def test_no_route_that_takes_a_name_or_slug_answers_500_to_one_no_row_can_have(world, bad):
    member, values = world
    swept, failures = 0, []
    for route, converters, _view in _routes():
        names = [name for name, conv in converters.items() if not _is_int(conv)]
        if not names or route.startswith("admin/"):
            continue
        for name in names:
            url = "/" + _fill(route, lambda n, name=name: bad if n == name else values.get(n, 1))
            for who, client in _clients(member).items():
                swept += 1
                status = client.get(url).status_code
                if status >= 500:
                    failures.append((who, url, status))
    assert swept >= 20  # the sweep found the routes: /u/<name>/..., movies/<slug>/..., the API's
    assert failures == []


def test_every_api_list_answers_a_browser_without_a_500(world):
    member, values = world
    swept, failures = 0, []
    for route, _converters, view in _routes():
        view_class = getattr(view, "view_class", None)
        if not route.startswith("api/v1/") or view_class is None or not hasattr(view_class, "get"):
            continue
        url = "/" + _fill(route, lambda n: values.get(n, 1))
        for who, client in _clients(member).items():
            swept += 1
            response = client.get(url, HTTP_ACCEPT="text/html")
            if response.status_code >= 500:
                failures.append((who, url, response.status_code))
    assert swept >= 40
    assert failures == []
