"""Every page renders for anonymous visitors and members (catches template errors early)."""

import pytest
from django.urls import reverse

from tests.factories import (
    FollowFactory,
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReplyFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    drama = GenreFactory(name="Drama")
    movie = MovieFactory(title="Heat", year=1995, genres=[drama], rating_count=1, rating_average=4.5)
    MovieFactory(title="Ronin", year=1998, genres=[drama])
    author = UserFactory(username="critic_fan", first_name="Ann", last_name="Lee")
    RatingFactory(user=author, movie=movie)
    review = ReviewFactory(user=author, movie=movie, has_spoilers=True, body="The ending <script>x</script>")
    thread = ThreadFactory(movie=movie, author=author)
    ReplyFactory(thread=thread, author=author)
    return {"movie": movie, "author": author, "review": review, "thread": thread}


def urls(world):
    movie, author, thread = world["movie"], world["author"], world["thread"]
    return [
        reverse("home"),
        reverse("movies:list"),
        reverse("movies:list") + "?q=heat&genre=drama&year_min=1990&year_max=2000&sort=rating",
        movie.get_absolute_url(),
        movie.get_absolute_url() + "?order=liked",
        reverse("reviews:list"),
        reverse("reviews:list") + "?source=critic",
        reverse("discussions:list"),
        reverse("discussions:movie", kwargs={"slug": movie.slug}),
        thread.get_absolute_url(),
        reverse("accounts:profile", kwargs={"username": author.username}),
        reverse("accounts:followers", kwargs={"username": author.username}),
        reverse("accounts:following", kwargs={"username": author.username}),
        reverse("accounts:login"),
        reverse("accounts:signup"),
    ]


def test_public_pages_render_for_anonymous_visitors(client, world):
    for url in urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>x</script>" not in response.content


def test_pages_render_for_a_member(client, world):
    member = UserFactory()
    FollowFactory(follower=member, followee=world["author"])
    client.force_login(member)
    member_urls = urls(world)[:-2] + [
        reverse("social:feed"),
        reverse("social:watchlist"),
        reverse("accounts:settings"),
        reverse("accounts:password_change"),
        reverse("accounts:delete"),
        reverse("accounts:onboarding"),
        reverse("reviews:create", kwargs={"slug": world["movie"].slug}),
        reverse("discussions:create", kwargs={"slug": world["movie"].slug}),
    ]
    for url in member_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>x</script>" not in response.content
