"""Year in review and stats: the figures (community.diary.stats), who may see them, the SVG
charts, the pages and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from community.accounts.models import Visibility
from community.diary import charts, stats
from community.diary.models import StatsSharing
from community.movies.models import Credit, Person
from tests.community.diary.factories import DiaryEntryFactory
from tests.factories import FollowFactory, GenreFactory, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _film(title, year, runtime, genres, director, cast=()):
    movie = MovieFactory(title=title, year=year, runtime_minutes=runtime)
    movie.genres.set([GenreFactory(name=g) for g in genres])
    for order, (role, name) in enumerate([("director", director), *[("cast", c) for c in cast]]):
        person, _ = Person.objects.get_or_create(name=name)
        Credit.objects.create(movie=movie, person=person, role=role, order=order)
    return movie


@pytest.fixture
def diary():
    """A member's 2024: Heat watched twice (the second a rewatch), a streak from 30 January to
    2 February, a film without a runtime, a private and a followers-only watch, and one watch
    in 2023."""
    owner = UserFactory(username="cinephile")
    heat = _film("Heat", 1995, 170, ["Crime", "Drama"], "Michael Mann", ["Al Pacino", "Robert De Niro"])
    alien = _film("Alien", 1979, 117, ["Horror", "Science Fiction"], "Ridley Scott", ["Sigourney Weaver"])
    ran = _film("Ran", 1985, None, ["Drama"], "Akira Kurosawa", ["Tatsuya Nakadai"])
    rashomon = _film("Old Film", 1950, 90, ["Drama"], "Akira Kurosawa")
    secret = _film("Secret Shame", 2001, 100, ["Horror"], "Nobody Known")
    friends = _film("Friends Only", 2010, 110, ["Comedy"], "Somebody Else")

    def log(movie, day, rating=None, **kw):
        return DiaryEntryFactory(
            user=owner, movie=movie, watched_on=day, rating=Decimal(rating) if rating else None, **kw
        )

    log(heat, D(2024, 1, 30), "4.5")
    log(alien, D(2024, 1, 31), "4.0")
    log(ran, D(2024, 2, 1), "5.0")
    log(rashomon, D(2024, 2, 2))
    log(heat, D(2024, 3, 5), "5.0", rewatch=True)
    log(secret, D(2024, 6, 10), "1.0", visibility=Visibility.ONLY_ME)
    log(friends, D(2024, 7, 1), "3.0", visibility=Visibility.FOLLOWERS)
    log(alien, D(2023, 12, 31), "3.5")
    return owner


def _share(owner):
    StatsSharing.objects.update_or_create(user=owner, defaults={"shared": True})


def test_a_years_figures_count_rewatches_hours_from_runtimes_and_a_streak_across_months(diary):
    figures = stats.year_in_review(owner=diary, viewer=AnonymousUser(), year=2024)
    assert (figures.watches, figures.films, figures.rewatches) == (5, 4, 1)
    # Heat twice (170 + 170), Alien 117, Old Film 90; Ran has no runtime and is counted apart
    assert figures.minutes == 547 and figures.hours == 9.1 and figures.watches_without_runtime == 1
    assert figures.streak == stats.Streak(days=4, start=D(2024, 1, 30), end=D(2024, 2, 2))
    assert figures.months == [2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert figures.ratings[Decimal("5.0")] == 2 and figures.ratings[Decimal("4.5")] == 1
    assert figures.ratings[Decimal("1.0")] == 0 and sum(figures.ratings.values()) == figures.rated == 4
    assert figures.average_rating == pytest.approx(4.625)
    assert figures.decades == [(1950, 1), (1960, 0), (1970, 1), (1980, 1), (1990, 2)]
    assert (figures.first.movie.title, figures.last.movie.title) == ("Heat", "Heat")
    assert figures.last.rewatch and figures.years == [(2023, 1), (2024, 5)]


def test_ties_share_a_rank_and_the_highest_rated_lists_each_film_once(diary):
    figures = stats.year_in_review(owner=diary, viewer=AnonymousUser(), year=2024)
    assert [(d.rank, d.tied, d.name, d.watches, d.films) for d in figures.directors] == [
        (1, True, "Akira Kurosawa", 2, 2),
        (1, True, "Michael Mann", 2, 1),
        (3, False, "Ridley Scott", 1, 1),
    ]
    assert [(g.rank, g.name, g.watches) for g in figures.genres] == [
        (1, "Drama", 4),
        (2, "Crime", 2),
        (3, "Horror", 1),
        (3, "Science Fiction", 1),
    ]
    assert figures.genres[2].tied and not figures.genres[1].tied
    assert figures.actors[0].name == "Al Pacino" and figures.actors[0].watches == 2
    # Ran and Heat both 5.0: the earlier watch first; Heat once, at its best rating
    assert [(e.movie.title, e.rating) for e in figures.highest] == [
        ("Ran", Decimal("5.0")),
        ("Heat", Decimal("5.0")),
        ("Alien", Decimal("4.0")),
    ]


def test_private_entries_count_only_for_their_owner_and_followers_only_for_followers(diary):
    follower = UserFactory()
    FollowFactory(follower=follower, followee=diary)
    mine = stats.year_in_review(owner=diary, viewer=diary, year=2024)
    theirs = stats.year_in_review(owner=diary, viewer=follower, year=2024)
    anyone = stats.year_in_review(owner=diary, viewer=UserFactory(), year=2024)
    assert (mine.watches, theirs.watches, anyone.watches) == (7, 6, 5)
    assert mine.ratings[Decimal("1.0")] == 1 and theirs.ratings[Decimal("1.0")] == 0
    assert mine.minutes == 547 + 100 + 110 and theirs.minutes == 547 + 110
    assert mine.last.movie.title == theirs.last.movie.title == "Friends Only"
    assert "Horror" in {g.name for g in mine.genres}
    assert [g.watches for g in theirs.genres if g.name == "Horror"] == [1]  # Alien only


def test_all_time_gives_years_and_taste_movement_between_the_halves(diary):
    owner = UserFactory()
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    for day in range(1, 6):  # January: dramas rated 2; December: comedies rated 4
        DiaryEntryFactory(
            user=owner, movie=MovieFactory(genres=[drama]), watched_on=D(2022, 1, day), rating=2
        )
        DiaryEntryFactory(
            user=owner, movie=MovieFactory(genres=[comedy]), watched_on=D(2022, 12, day), rating=4
        )
    figures = stats.year_in_review(owner=owner, viewer=owner, year=None)
    assert figures.months == [] and figures.years == [(2022, 10)]
    taste = figures.taste
    assert taste.enough and (taste.watches_before, taste.watches_after) == (5, 5)
    assert (taste.rating_before, taste.rating_after) == (2.0, 4.0)
    assert [(m.name, m.share_before, m.share_after) for m in taste.rising] == [("Comedy", 0.0, 1.0)]
    assert [(m.name, m.share_before, m.share_after) for m in taste.falling] == [("Drama", 1.0, 0.0)]
    assert stats.year_in_review(owner=owner, viewer=owner, year=2024).empty


def test_others_get_404_until_the_member_shares_and_then_never_see_private_entries(client, diary):
    year_url = reverse("diary:stats_year", args=["cinephile", 2024])
    all_url = reverse("diary:stats", args=["cinephile"])
    assert client.get(year_url).status_code == 404 and client.get(all_url).status_code == 404
    _share(diary)
    page = client.get(year_url)
    assert page.status_code == 200
    assert b"Heat" in page.content and b"Secret Shame" not in page.content
    assert b"Friends Only" not in page.content and b"Only entries you may see are counted" in page.content
    assert b"Let others see" not in page.content  # the sharing form is the owner's
    client.force_login(diary)
    own = client.get(year_url)
    assert b"Friends Only" in own.content and b"Let others see my year in review" in own.content


def test_the_owner_sees_every_entry_and_the_year_picker(client, diary):
    client.force_login(diary)
    page = client.get(reverse("diary:stats_year", args=["cinephile", 2024]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your 2024 in film" in text and "Friends Only" in text  # the last film
    assert reverse("diary:stats_year", args=["cinephile", 2023]) in text
    assert 'aria-current="page">2024' in text
    assert "<svg" in text and 'role="img"' in text and '<div class="visually-hidden"><table>' in text
    assert client.get(reverse("diary:my_stats")).url == reverse("diary:stats", args=["cinephile"])


def test_sharing_is_a_post_by_the_signed_in_member_only(client, diary):
    url = reverse("diary:stats_sharing")
    assert client.post(url, {"shared": "on"}).status_code == 302  # to the login page
    assert not StatsSharing.objects.exists()
    client.force_login(diary)
    assert client.get(url).status_code == 405
    response = client.post(url, {"shared": "on", "year": "2024"})
    assert response.url == reverse("diary:stats_year", args=["cinephile", 2024])
    assert StatsSharing.objects.get(user=diary).shared
    client.post(url, {})
    assert not StatsSharing.objects.get(user=diary).shared


def test_a_year_outside_the_diarys_range_is_404_and_an_empty_year_says_so(client, diary):
    client.force_login(diary)
    assert client.get(reverse("diary:stats_year", args=["cinephile", 1500])).status_code == 404
    assert client.get(reverse("diary:stats_year", args=["cinephile", 99999])).status_code == 404
    page = client.get(reverse("diary:stats_year", args=["cinephile", 2020]))
    assert page.status_code == 200 and b"No diary entries to show for 2020" in page.content
    assert client.get(reverse("diary:stats_year", args=["nobody", 2024])).status_code == 404


def test_the_page_query_count_does_not_grow_with_the_diary(client, diary, django_assert_max_num_queries):
    _share(diary)
    url = reverse("diary:stats_year", args=["cinephile", 2024])
    viewer = UserFactory()
    client.force_login(viewer)
    with django_assert_max_num_queries(22) as before:
        client.get(url)
    genre = GenreFactory(name="Drama")
    for day in range(1, 40):
        movie = _film(f"More {day}", 1960 + day, 100, ["Drama"], f"Director {day}", [f"Actor {day}"])
        movie.genres.add(genre)
        DiaryEntryFactory(user=diary, movie=movie, watched_on=D(2024, 8, 1) + datetime.timedelta(days=day))
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url)
    assert b"More 39" in page.content  # the last film


def test_svg_charts_escape_names_from_the_data(client, diary):
    hostile = "<script>alert(1)</script>"
    svg = charts.bar_chart(
        chart_id='x" onload="alert(1)', title=hostile, bars=[charts.ChartBar(hostile, 3, f"{hostile}: 3")]
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'x" onload' not in svg
    movie = _film(hostile, 2000, 100, [hostile], hostile, [hostile])
    DiaryEntryFactory(user=diary, movie=movie, watched_on=D(2024, 12, 1), rating=Decimal("2.5"))
    client.force_login(diary)
    page = client.get(reverse("diary:stats_year", args=["cinephile", 2024])).content.decode()
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_half_star_labels_read_like_letterboxd():
    assert [charts.stars_label(Decimal(n) / 2) for n in (1, 2, 7, 10)] == ["½", "1", "3½", "5"]


def test_the_most_liked_reviews_of_the_year(diary):
    heat = diary.diary_entries.filter(movie__title="Heat").first().movie
    alien = diary.diary_entries.filter(movie__title="Alien").first().movie
    ReviewFactory(user=diary, movie=heat, like_count=3, created_at=_at(2024, 3, 5))
    ReviewFactory(user=diary, movie=alien, like_count=9, created_at=_at(2023, 12, 31))
    ReviewFactory(user=diary, like_count=0, created_at=_at(2024, 4, 1))
    year = stats.year_in_review(owner=diary, viewer=AnonymousUser(), year=2024)
    ever = stats.year_in_review(owner=diary, viewer=AnonymousUser(), year=None)
    assert [r.movie.title for r in year.liked_reviews] == ["Heat"]
    assert [r.movie.title for r in ever.liked_reviews] == ["Alien", "Heat"]


def _at(y, m, d):
    return datetime.datetime(y, m, d, 12, tzinfo=datetime.UTC)


# --- API ---


def test_the_api_gives_the_same_figures_and_the_same_privacy(client, diary):
    url = reverse("api:diary-stats")
    assert client.get(url, {"user": "cinephile", "year": 2024}).status_code == 404
    assert client.get(url).status_code in (401, 403)
    _share(diary)
    data = client.get(url, {"user": "cinephile", "year": 2024}).json()
    assert (data["films_watched"], data["different_films"], data["rewatches"], data["minutes"]) == (
        5,
        4,
        1,
        547,
    )
    assert data["longest_streak"] == {"days": 4, "start": "2024-01-30", "end": "2024-02-02"}
    assert data["ratings"]["5.0"] == 2 and data["ratings"]["1.0"] == 0
    assert data["first_film"]["movie"]["title"] == "Heat" and data["directors"][0]["tied"]
    client.force_login(diary)
    own = client.get(url, {"year": 2024}).json()
    assert own["films_watched"] == 7 and own["months"][5] == 1


@pytest.mark.parametrize("year", ["abc", "1500", "99999", "2024.5"])
def test_a_bad_year_is_a_400_with_the_fields_error(member_client, year):
    response = member_client.get(reverse("api:diary-stats"), {"year": year})
    assert response.status_code == 400 and "year" in response.json()


def test_links_from_the_diary_and_the_profile(client, diary):
    stats_url = reverse("diary:stats", args=["cinephile"]).encode()
    profile = reverse("accounts:profile", kwargs={"username": "cinephile"})
    assert stats_url not in client.get(reverse("diary:member", args=["cinephile"])).content
    assert stats_url not in client.get(profile).content
    _share(diary)
    assert stats_url in client.get(reverse("diary:member", args=["cinephile"])).content
    assert stats_url in client.get(profile).content
