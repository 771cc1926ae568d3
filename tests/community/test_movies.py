from decimal import Decimal

import pytest
from django.urls import reverse

from community.movies import selectors
from tests.factories import (
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def titles(response):
    return [m.title for m in response.context["page"].object_list]


def test_search_matches_title_director_and_cast_case_insensitively(client):
    MovieFactory(title="Heat", director_names="Michael Mann", cast_names="Al Pacino, Robert De Niro")
    MovieFactory(title="Collateral", director_names="Michael Mann", cast_names="Tom Cruise")
    MovieFactory(title="Heathers", director_names="Danny Waters", cast_names="Winona Ryder")
    url = reverse("movies:list")
    assert titles(client.get(url, {"q": "heat"})) == ["Heat", "Heathers"]  # exact title first
    assert sorted(titles(client.get(url, {"q": "michael mann"}))) == ["Collateral", "Heat"]
    assert titles(client.get(url, {"q": "DE NIRO"})) == ["Heat"]
    assert titles(client.get(url, {"q": "mann pacino"})) == ["Heat"]  # words may match different fields


def test_search_with_no_results_shows_an_empty_state_and_near_misses(client):
    MovieFactory(title="The Godfather")
    response = client.get(reverse("movies:list"), {"q": "godfathr"})
    assert response.status_code == 200 and b"No movies match" in response.content
    assert [m.title for m in response.context["suggestions"]] == ["The Godfather"]


def test_genre_and_year_filters_narrow_the_catalog(client):
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    MovieFactory(title="Old drama", year=1950, genres=[drama])
    MovieFactory(title="New drama", year=2010, genres=[drama])
    MovieFactory(title="New comedy", year=2011, genres=[comedy])
    response = client.get(reverse("movies:list"), {"genre": "drama", "year_min": 2000, "year_max": 2020})
    assert titles(response) == ["New drama"]


def test_an_inverted_year_range_is_an_inline_error_not_a_crash(client):
    MovieFactory()
    response = client.get(reverse("movies:list"), {"year_min": 2010, "year_max": 1990, "genre": "nope"})
    assert response.status_code == 200
    assert "year_max" in response.context["form"].errors and "genre" in response.context["form"].errors


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("popular", ["B", "A", "C"]),
        ("rating", ["C", "A", "B"]),
        ("newest", ["C", "B", "A"]),
        ("oldest", ["A", "B", "C"]),
        ("title", ["A", "B", "C"]),
    ],
)
def test_the_catalog_sorts(client, sort, expected):
    MovieFactory(title="A", year=1990, rating_count=20, rating_average=3.5)
    MovieFactory(title="B", year=2000, rating_count=50, rating_average=3.0)
    MovieFactory(title="C", year=2010, rating_count=10, rating_average=4.5)
    assert titles(client.get(reverse("movies:list"), {"sort": sort})) == expected


def test_sorting_by_rating_leaves_out_movies_with_few_ratings():
    MovieFactory(title="One vote wonder", rating_count=1, rating_average=5.0)
    MovieFactory(title="Classic", rating_count=500, rating_average=4.2)
    assert [m.title for m in selectors.movie_list(sort="rating")] == ["Classic"]


def test_the_catalog_paginates_and_survives_bad_page_numbers(client):
    for i in range(30):
        MovieFactory(title=f"Movie {i:02d}", rating_count=100 - i)
    url = reverse("movies:list")
    assert len(titles(client.get(url))) == 24
    assert titles(client.get(url, {"page": 2}))[0] == "Movie 24"
    assert client.get(url, {"page": "abc"}).status_code == 200
    assert titles(client.get(url, {"page": 999})) == titles(client.get(url, {"page": 2}))


def test_catalog_query_count_is_bounded(client, django_assert_max_num_queries):
    genre = GenreFactory(name="Drama")
    for _ in range(24):
        MovieFactory(genres=[genre])
    user = UserFactory()
    client.force_login(user)
    with django_assert_max_num_queries(9):  # 8, and the navigation's unread notifications count
        response = client.get(reverse("movies:list"), {"q": "movie"})
    assert len(response.context["page"].object_list) == 24


def test_movie_page_shows_details_histogram_and_own_rating(client):
    drama = GenreFactory(name="Drama")
    movie = MovieFactory(
        title="Heat",
        genres=[drama],
        plot="A <b>heist</b>.",
        plot_source="Wikipedia",
        plot_license="CC BY-SA 4.0",
    )
    me = UserFactory()
    RatingFactory(user=me, movie=movie, score=Decimal("3.5"))
    RatingFactory(movie=movie, score=Decimal("3.5"))
    RatingFactory(movie=movie, score=Decimal("5.0"))
    client.force_login(me)
    response = client.get(movie.get_absolute_url())
    bars = {bar.score: bar.count for bar in response.context["histogram"]}
    assert bars[3.5] == 2 and bars[5.0] == 1 and len(bars) == 10
    assert response.context["own_rating"].score == Decimal("3.5")
    content = response.content.decode()
    assert "A &lt;b&gt;heist&lt;/b&gt;." in content and "CC BY-SA 4.0" in content
    assert 'value="3.5" checked' in content


def test_movie_page_query_count_is_bounded(client, django_assert_max_num_queries):
    movie = MovieFactory(genres=[GenreFactory(name="Drama")])
    for _ in range(10):
        review = ReviewFactory(movie=movie)
        RatingFactory(movie=movie, user=review.user)
    for _ in range(6):
        ThreadFactory(movie=movie)
    client.force_login(UserFactory())
    # A fixed number whatever the rows: the movie notes, "What audiences say" and the similar
    # reviews' stored neighbours read one or two queries each; "Your watches" (the diary) one;
    # the lists box two; "You would likely rate this" one; the navigation's unread notifications one.
    with django_assert_max_num_queries(25):
        client.get(movie.get_absolute_url())


def test_unknown_movies_are_404(client):
    assert client.get(reverse("movies:detail", kwargs={"slug": "no-such-movie"})).status_code == 404


def test_similar_movies_prefer_shared_genres():
    crime, drama, comedy = GenreFactory(name="Crime"), GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    heat = MovieFactory(genres=[crime, drama])
    both = MovieFactory(title="Both", genres=[crime, drama], rating_count=1)
    one = MovieFactory(title="One", genres=[crime], rating_count=100)
    MovieFactory(title="None", genres=[comedy], rating_count=1000)
    assert [m.title for m in selectors.similar_movies(movie=heat)] == ["Both", "One"]
    assert one.pk and both.pk
