import pytest
from django.urls import reverse

from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_popular_well_rated_and_recent_reviews(client):
    MovieFactory(title="Popular one", rating_count=300, rating_average=3.1)
    MovieFactory(title="Loved one", rating_count=60, rating_average=4.8)
    ReviewFactory(body="Recent words")
    response = client.get(reverse("home"))
    assert [m.title for m in response.context["popular"]][:2] == ["Popular one", "Loved one"]
    assert response.context["well_rated"][0].title == "Loved one"
    assert b"Recent words" in response.content


def test_members_get_popular_movies_in_their_favourite_genres_until_recommendations_exist(
    member_client, user
):
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    user.favourite_genres.set([drama])
    MovieFactory(title="Drama hit", genres=[drama], rating_count=50)
    MovieFactory(title="Comedy hit", genres=[comedy], rating_count=500)
    seen = MovieFactory(title="Seen drama", genres=[drama], rating_count=900)
    RatingFactory(user=user, movie=seen)
    response = member_client.get(reverse("home"))
    assert [m.title for m in response.context["for_you"]] == ["Drama hit"]
    assert b"Drama hit" in response.content  # shown in the recommendations slot while it is empty
    assert b"Rate movies" in response.content  # not onboarded yet


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(15):
        ReviewFactory(movie=MovieFactory(rating_count=80, rating_average=4.0))
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))


def _cached(response) -> bool:
    """A page served from the page cache rendered no template."""
    return response.context is None


@pytest.fixture(autouse=True)
def _tasks_kept(monkeypatch):
    """Tasks queued after a commit (a rating queues a refresh) are kept here, not sent."""
    from celery.app.task import Task

    sent: list[tuple[str, object]] = []
    monkeypatch.setattr(
        Task, "apply_async", lambda self, args=None, kwargs=None, **o: sent.append((self.name, args))
    )
    return sent


@pytest.fixture(params=["stamp query", "versions in a shared cache"])
def page_checks(request, settings):
    """Both ways a cached page is checked: a stamp query (a per-process cache) and a version
    kept in the cache (a cache shared by every process, as with Redis)."""
    settings.CACHE_IS_SHARED = request.param != "stamp query"
    return request.param


def test_a_members_homepage_is_served_from_the_cache_until_something_on_it_changes(
    member_client, user, page_checks, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from community.reviews.services import rating_set, review_like

    movie = MovieFactory(title="Something to rate", rating_count=50)
    other_review = ReviewFactory(body="Someone else's words")
    first = member_client.get(reverse("home"))  # sets the CSRF cookie, renders
    assert not _cached(first)
    second = member_client.get(reverse("home"))
    assert not _cached(second)  # the first render had no CSRF cookie to key on
    # stamp query: session, user, stamp; versions: the session at most (the user is a cached copy)
    with django_assert_max_num_queries(3 if page_checks == "stamp query" else 1):
        third = member_client.get(reverse("home"))
    assert _cached(third)
    assert third.content == second.content

    # every change below commits (and so replaces the member's version) before the next page
    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, movie=movie, score="4.0")
    assert not _cached(member_client.get(reverse("home")))
    assert _cached(member_client.get(reverse("home")))

    with django_capture_on_commit_callbacks(execute=True):
        review_like(review=other_review, user=user)
    assert not _cached(member_client.get(reverse("home")))

    with django_capture_on_commit_callbacks(execute=True):
        user.favourite_genres.add(GenreFactory(name="Western"))
    assert not _cached(member_client.get(reverse("home")))

    user.first_name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    page = member_client.get(reverse("home"))
    assert not _cached(page)
    assert b"Renamed" in page.content


def test_a_flash_message_is_never_hidden_by_the_cached_homepage(member_client, page_checks):
    movie = MovieFactory(title="Never rated")
    member_client.get(reverse("home"))
    member_client.get(reverse("home"))
    assert _cached(member_client.get(reverse("home")))
    # Clearing a rating that does not exist changes nothing on the page but flashes a message.
    member_client.post(reverse("reviews:rating_clear", args=[movie.slug]), {"next": "/"})
    page = member_client.get(reverse("home"))
    assert not _cached(page)
    assert b"Your rating of Never rated was removed." in page.content
    assert _cached(member_client.get(reverse("home")))


def test_the_cached_homepage_is_keyed_by_member_and_csrf_cookie(client, user, page_checks):
    from tests.factories import UserFactory

    client.force_login(user)
    client.get(reverse("home"))
    mine = client.get(reverse("home"))
    other = UserFactory(username="someone_else")
    client.force_login(other)
    theirs = client.get(reverse("home"))
    assert not _cached(theirs)
    assert b"someone_else" in theirs.content and b"someone_else" not in mine.content
    client.cookies["csrftoken"] = "x" * 32
    assert not _cached(client.get(reverse("home")))


def test_a_movie_rated_from_the_homepage_leaves_it_on_the_next_request(
    member_client, user, page_checks, django_capture_on_commit_callbacks
):
    from community.reviews.services import rating_set

    drama = GenreFactory(name="Drama")
    user.favourite_genres.set([drama])
    movie = MovieFactory(title="Drama to rate", genres=[drama], rating_count=50)
    member_client.get(reverse("home"))
    member_client.get(reverse("home"))
    page = member_client.get(reverse("home"))
    assert _cached(page) and b"Drama to rate" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, movie=movie, score="4.5")
    assert b"Drama to rate" not in member_client.get(reverse("home")).content


def test_a_change_rolled_back_leaves_the_cached_homepage_in_place(
    member_client, user, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from community.reviews.services import rating_set

    settings.CACHE_IS_SHARED = True
    movie = MovieFactory(title="Almost rated", rating_count=50)
    member_client.get(reverse("home"))
    member_client.get(reverse("home"))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                rating_set(user=user, movie=movie, score="4.0")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert _cached(member_client.get(reverse("home")))


def test_every_table_the_homepage_stamp_reads_is_watched_or_bumped_by_its_writer():
    """A table added to the stamp is watched through model signals, or is one whose writer
    calls member_pages_changed itself (recommendation rows, written in bulk)."""
    from community.core import pagecache
    from community.core.views import home_stamp_fields
    from recommender.models import Recommendation

    fields = dict(home_stamp_fields())
    for provider in pagecache._registry["home"]:
        fields.update(provider())
    read = {expression.query.model for expression in fields.values()}
    watched = {model for model, _ in pagecache._watched}
    assert read - watched == {Recommendation}


def test_a_favourite_genre_changed_from_the_genres_side_also_renews_the_page(
    member_client, user, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_IS_SHARED = True
    western = GenreFactory(name="Western")
    member_client.get(reverse("home"))
    member_client.get(reverse("home"))
    assert _cached(member_client.get(reverse("home")))
    with django_capture_on_commit_callbacks(execute=True):
        western.fans.add(user)
    assert not _cached(member_client.get(reverse("home")))
    assert _cached(member_client.get(reverse("home")))
    with django_capture_on_commit_callbacks(execute=True):
        western.fans.clear()
    assert not _cached(member_client.get(reverse("home")))


def test_a_change_committed_by_another_process_renews_the_page_this_process_holds(
    member_client, user, settings
):
    """Another process (a worker's refresh) replaces the member's version in the shared cache;
    the page this process keeps in memory is not served under the new version."""
    from django.core.cache import cache

    from community.core import pagecache

    settings.CACHE_IS_SHARED = True
    member_client.get(reverse("home"))
    member_client.get(reverse("home"))
    assert _cached(member_client.get(reverse("home")))
    cache.set(pagecache._version_key(user.pk), "set-by-another-process")
    assert not _cached(member_client.get(reverse("home")))
    assert _cached(member_client.get(reverse("home")))
