"""A new member's journey in headless Chromium (see conftest.py for the browser).

Screenshots of the key pages go to the shots folder (conftest.py) for a human to look at.
Run with: pytest tests/browser -m browser
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.factories import (
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

GENRES = ["Drama", "Comedy", "Action", "Sci-Fi", "Horror", "Romance", "Animation", "Thriller", "Crime"]
TITLES = [
    ("Heat", 1995, ["Crime", "Action", "Thriller"]),
    ("Toy Story", 1995, ["Animation", "Comedy"]),
    ("The Matrix", 1999, ["Sci-Fi", "Action"]),
    ("Pulp Fiction", 1994, ["Crime", "Drama"]),
    ("Scream", 1996, ["Horror", "Thriller"]),
    ("Amélie", 2001, ["Romance", "Comedy"]),
    ("Spirited Away", 2001, ["Animation", "Drama"]),
    ("Alien", 1979, ["Horror", "Sci-Fi"]),
    ("Before Sunrise", 1995, ["Romance", "Drama"]),
    ("Fargo", 1996, ["Crime", "Comedy", "Thriller"]),
    ("Blade Runner", 1982, ["Sci-Fi", "Thriller"]),
    ("The Shining", 1980, ["Horror"]),
    ("Groundhog Day", 1993, ["Comedy", "Romance"]),
    ("Die Hard", 1988, ["Action", "Thriller"]),
    ("Casablanca", 1942, ["Drama", "Romance"]),
    ("Finding Nemo", 2003, ["Animation", "Comedy"]),
    ("Se7en", 1995, ["Crime", "Thriller"]),
    ("Aliens", 1986, ["Action", "Sci-Fi", "Horror"]),
]


@pytest.fixture
def catalog(transactional_db):
    genres = {name: GenreFactory(name=name) for name in GENRES}
    raters = [UserFactory(username=f"rater{i}") for i in range(6)]
    movies = {}
    for rank, (title, year, names) in enumerate(TITLES):
        movie = MovieFactory(
            title=title,
            year=year,
            genres=[genres[n] for n in names],
            director_names="Michael Mann" if title == "Heat" else "Some Director",
            cast_names="Al Pacino, Robert De Niro, Val Kilmer"
            if title == "Heat"
            else "Lead Actor, Supporting Actor",
            plot=f"{title} is a {year} film. A crew of professionals faces a choice that changes everything.",
            plot_source="Wikipedia",
            plot_license="CC BY-SA 4.0",
        )
        for i, rater in enumerate(raters[: 6 - rank % 4]):
            RatingFactory(user=rater, movie=movie, score=Decimal(str(min(5.0, 2.5 + (i + rank) % 6 * 0.5))))
        movies[title] = movie
    from community.movies.services import movie_stats_refresh

    cinephile = UserFactory(
        username="cinephile", first_name="Maya", last_name="Chen", bio="I watch everything twice."
    )
    ReviewFactory(
        user=cinephile,
        movie=movies["Heat"],
        body="The diner scene is the best conversation in any crime film. Pacino and De Niro, together.",
    )
    RatingFactory(user=cinephile, movie=movies["Heat"], score=Decimal("5.0"))
    ThreadFactory(movie=movies["Heat"], author=cinephile, title="Was the ending inevitable?")
    movie_stats_refresh(movie_ids=[m.pk for m in movies.values()])
    return movies


def test_a_new_member_signs_up_onboards_reviews_likes_and_follows(live_server, catalog, new_page, shot):
    page = new_page()
    base = live_server.url

    page.goto(base + "/")
    assert page.locator("h2#popular").is_visible()
    shot(page, "01-home-anonymous")

    # Sign up; a mismatched repeat password is an inline error that keeps what was typed.
    page.click("text=Sign up")
    page.fill("#id_username", "newbie")
    page.fill("#id_email", "newbie@example.org")
    page.fill("#id_password", "correct-horse-battery")
    page.fill("#id_password_confirm", "something-else-entirely")
    page.click("button:has-text('Sign up')")
    assert page.locator("#id_password_confirm_error").is_visible()
    assert page.input_value("#id_username") == "newbie"
    shot(page, "02-signup-error")
    page.fill("#id_password", "correct-horse-battery")
    page.fill("#id_password_confirm", "correct-horse-battery")
    page.click("button:has-text('Sign up')")

    # Onboarding: rate five movies from the grid.
    page.wait_for_url("**/welcome/")
    assert page.locator(".onboarding-grid .movie-card").count() >= 5
    shot(page, "03-onboarding-empty", full_page=False)
    cards = page.locator(".onboarding-grid .movie-card")
    for i, stars in enumerate([8, 10, 6, 7, 9]):
        cards.nth(i).locator(".star-half").nth(stars - 1).click()
    assert "Ready" in page.inner_text("#onboarding-progress")
    shot(page, "04-onboarding-rated", full_page=False)
    page.click("button:has-text('Save ratings and continue')")
    page.wait_for_url(base + "/")
    assert "Thanks!" in page.inner_text(".messages")
    shot(page, "05-home-member")

    # Search by a cast member, open the movie.
    page.fill("#nav-q", "De Niro")
    page.press("#nav-q", "Enter")
    page.wait_for_url("**/movies/?q=De+Niro*")
    assert page.locator(".movie-grid .movie-title").first.inner_text() == "Heat"
    shot(page, "06-search")
    page.click(".movie-grid .movie-title:has-text('Heat')")
    page.wait_for_url(re.compile(r"/movies/heat-[^/]+/$"))
    shot(page, "07-movie-page")

    # Rate it and post a review with a spoiler flag.
    page.click("label[for='rate-9']")  # 4.5 stars
    page.click("button:has-text('Save rating')")
    assert "You rated Heat 4.5 stars" in page.inner_text(".messages")
    page.fill("#id_body", "Everything falls apart at the airport. <script>alert(1)</script>")
    page.check("#id_has_spoilers")
    page.click("button:has-text('Post review')")
    page.wait_for_url(re.compile(r"/movies/heat-[^/]+/#review-\d+$"))
    own = page.locator("#your-review-h + .review")
    spoiler = own.locator("details.spoiler")
    assert spoiler.count() == 1 and spoiler.get_attribute("open") is None
    assert not own.locator(".review-body").is_visible()
    own.locator("summary").click()
    assert "<script>alert(1)</script>" in own.locator(".review-body").inner_text()

    # Like someone else's review (in place, through fetch).
    other = page.locator(".review-list .review", has_text="The diner scene")
    other.locator("button.like-button").click()
    page.wait_for_selector(".review-list .like-button[aria-pressed='true']")
    assert other.locator(".like-count").inner_text() == "1"
    shot(page, "08-movie-page-after-review")

    # Follow the reviewer and see their activity in the feed.
    other.locator(".review-head a:not(.avatar)").first.click()
    page.wait_for_url("**/u/cinephile/")
    page.click("button:has-text('Follow')")
    assert page.locator("button:has-text('Following')").is_visible()
    shot(page, "09-profile-followed")
    page.click("nav >> text=Feed")
    assert "reviewed" in page.inner_text(".feed") and "Heat" in page.inner_text(".feed")
    shot(page, "10-feed")

    page.goto(base + "/u/newbie/")
    shot(page, "11-own-profile")

    # Other pages worth a look: a discussion with a reply, settings, the watchlist.
    page.goto(base + "/discussions/")
    page.click("text=Was the ending inevitable?")
    page.fill("#id_body", "It was, from the first scene.")
    page.click("button:has-text('Reply')")
    assert page.locator(".reply", has_text="from the first scene").is_visible()
    shot(page, "13-thread")
    page.goto(base + "/accounts/settings/")
    shot(page, "14-settings")
    page.goto(base + "/watchlist/")
    shot(page, "15-watchlist-empty")
    page.goto(base + "/movies/no-such-movie/")
    shot(page, "16-not-found")

    # Small screens: the movie page stacks into one column.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/movies/?q=heat")
    page.click(".movie-grid .movie-title:has-text('Heat')")
    shot(page, "12-movie-page-mobile")
