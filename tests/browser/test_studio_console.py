"""A studio analyst's visit in headless Chromium: portfolio, film insight, compare, CSV download.

Screenshots of the film insight page at 1280 px and 390 px go to the shots folder (conftest.py);
the second test also writes them to $SCREENSHOT_DIR when set (else the test's tmp_path).
Run with: pytest tests/browser/test_studio_console.py -m browser
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from community.studios.models import Studio, StudioMembership
from recommender.insight import services
from recommender.models import ReviewAnalysis
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import (
    TEST_PASSWORD,
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

LINES = [
    ("acting", "positive", "The two leads give towering performances."),
    ("story", "positive", "The heist plot is tight and surprising."),
    ("pacing", "negative", "The middle hour drags badly."),
    ("music", "positive", "The score hums with dread."),
    ("characters", "positive", "McCauley is the coolest thief in cinema."),
]
# Heat has a plot and a cast, so its page lists characters and moments.
HEAT_PLOT = (
    "Neil McCauley (Robert De Niro) leads a crew of professional thieves in Los Angeles. "
    "Lieutenant Vincent Hanna (Al Pacino) hunts McCauley and his crew after an armoured car robbery."
)
HEAT_CAST = "Al Pacino, Robert De Niro, Val Kilmer"
MOMENT = "The downtown shootout is the best scene of the decade."


@pytest.fixture
def studio_site(transactional_db):
    crime = GenreFactory(name="Crime")
    studio = Studio.objects.create(name="Northlight Pictures", slug="northlight")
    films = [
        MovieFactory(title=t, year=1995 + i, genres=[crime]) for i, t in enumerate(["Heat", "Ronin", "Thief"])
    ]
    studio.movies.add(*films)
    films[0].plot, films[0].cast_names = HEAT_PLOT, HEAT_CAST
    films[0].save(update_fields=["plot", "cast_names"])
    members = [UserFactory(username=f"viewer_name_{i}") for i in range(12)]
    for i, user in enumerate(members):
        for j, film in enumerate(films):
            # two years and two scores, each with at least 5 raters, so the charts have bars
            when = datetime(2014 + i % 2, 1 + (i * 5 + j) % 12, 10, tzinfo=UTC)
            RatingFactory(user=user, movie=film, score=Decimal(str(3.0 + (i + j) % 2 * 1.0)), created_at=when)
        body = " ".join([*(text for _a, _s, text in LINES), MOMENT])
        review = ReviewFactory(user=user, movie=films[0], body=body)
        ReviewAnalysis.objects.create(
            review=review,
            label="positive" if i % 4 else "mixed",
            score=0.6,
            confidence=0.6,
            aspects=[
                {"aspect": a, "sentiment": s, "score": 0.8 if s == "positive" else -0.7, "sentence": t}
                for a, s, t in LINES
            ],
            text_hash="x",
            model_name="test",
            model_version="v1",
            analysed_at=timezone.now(),
        )
    for film in films:
        services.film_insight_refresh(movie_id=film.pk)
    analyst = UserFactory(username="analyst")
    StudioMembership.objects.create(studio=studio, user=analyst, role=StudioMembership.Role.ANALYST)
    return {"films": films, "reviewers": [m.username for m in members]}


def test_a_studio_analyst_reads_the_portfolio_a_film_compares_and_downloads_csv(
    live_server, studio_site, new_page, shot
):
    heat, ronin, _thief = studio_site["films"]
    base = live_server.url
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.click("nav.nav a:text('Studio')")
    page.wait_for_url(base + "/studio/northlight/")
    assert page.locator("table.data-table tbody tr").count() == 3
    shot(page, "studio-portfolio")

    page.click("a:text('Heat')")
    page.wait_for_selector("#aspects-h")
    assert page.locator("svg[role=img] title").count() >= 3
    assert "The two leads give towering performances." in page.inner_text("main")
    assert "viewer_name" not in page.content()
    assert page.evaluate("window.__cspViolations") == []
    shot(page, "studio-film-1280")
    narrow = new_page(width=390, height=844)
    narrow.context.add_cookies(page.context.cookies())
    narrow.goto(page.url)
    narrow.wait_for_selector("#aspects-h")
    # nothing but the tables' own scroll boxes is wider than the phone's screen
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(narrow, "studio-film-390")

    page.goto(base + "/studio/northlight/")
    page.check(f"#cmp-{heat.pk}")
    page.check(f"#cmp-{ronin.pk}")
    page.click("button:text('Compare selected')")
    page.wait_for_selector("table.data-table")
    assert "Heat" in page.inner_text("table.data-table") and "Ronin" in page.inner_text("table.data-table")
    shot(page, "studio-compare")

    page.goto(base + "/studio/northlight/")
    with page.expect_download() as download_info:
        page.click("a:text('Download CSV')")
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert {r["title"] for r in rows} == {"Heat", "Ronin", "Thief"}


def _titles(page) -> list[str]:
    return page.locator("table.data-table tbody tr td:nth-child(2)").all_inner_texts()


def test_an_analyst_goes_from_studio_home_through_sorting_and_compare_to_a_film_csv_with_no_reviewer_named(
    live_server, studio_site, new_page, tmp_path
):
    heat, ronin, thief = studio_site["films"]
    reviewers = studio_site["reviewers"]
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = new_page()
    seen: list[str] = []

    def no_reviewer_named() -> None:
        text = page.inner_text("body")
        seen.append(page.url)
        assert not [name for name in reviewers if name in text], page.url

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # one studio: /studio/ goes straight to its portfolio
    page.goto(base + "/studio/")
    assert page.url == base + "/studio/northlight/"
    assert len(_titles(page)) == 3
    no_reviewer_named()

    # the Film column header sorts by title, a second click reverses
    page.click("table.data-table thead a:text('Film')")
    page.wait_for_url(lambda url: "sort=title" in url and "sort=-title" not in url)
    assert _titles(page) == ["Heat", "Ronin", "Thief"]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Film")
    page.click("table.data-table thead a:text('Film')")
    page.wait_for_url(lambda url: "sort=-title" in url)
    assert _titles(page) == ["Thief", "Ronin", "Heat"]
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Film")
    no_reviewer_named()

    # tick two films and compare them
    page.check(f"#cmp-{heat.pk}")
    page.check(f"#cmp-{thief.pk}")
    page.click("button:text('Compare selected (2 to 4)')")
    page.wait_for_url(lambda url: "/studio/northlight/compare/" in url)
    table = page.inner_text("table.data-table")
    assert "Heat" in table and "Thief" in table and "Ronin" not in table
    no_reviewer_named()
    page.goto(f"{base}/studio/northlight/compare/?films={heat.pk},{ronin.pk}")
    table = page.inner_text("table.data-table")
    assert "Heat" in table and "Ronin" in table
    no_reviewer_named()

    # the film insight page: labelled charts, quotes without their authors
    page.goto(f"{base}/studio/northlight/films/{heat.pk}/")
    page.wait_for_selector("#aspects-h")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        label = chart.locator("title").first.text_content() or chart.get_attribute("aria-label") or ""
        assert label.strip(), f"chart {i} has no <title> or aria-label"
    quotes = page.locator("ul.insight-quotes q").all_inner_texts()
    assert "The two leads give towering performances." in quotes
    assert "The middle hour drags badly." in quotes
    no_reviewer_named()
    # characters (from the plot, with their actor) and moments (from the reviews), and the favourites
    assert page.locator("#characters-h ~ div table").inner_text().count("Neil McCauley") == 1
    assert "Robert De Niro" in page.inner_text("#characters-h ~ div table")
    assert "The downtown shootout" in page.inner_text("#moments-h ~ div table")
    loved = page.locator("#favourites-h ~ div ol").first.inner_text()
    assert "Neil McCauley" in loved and "the downtown shootout" in loved
    assert MOMENT in page.locator("ul.insight-quotes q").all_inner_texts()

    page.screenshot(path=str(shots / "studio-film-insight-1280.png"), full_page=True)

    # the aspects table as CSV
    with page.expect_download() as download_info:
        page.click("#aspects-h ~ p a:text('Download CSV')")
    download = download_info.value
    assert download.suggested_filename == f"northlight-film-{heat.pk}-aspects.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "aspect",
        "reviewers",
        "mentions",
        "positive_share",
        "negative_share",
        "net_share",
        "benchmark",
        "quote_1",
        "quote_2",
        "quote_3",
    ]
    assert {r[0] for r in rows[1:]} >= {"acting", "story", "pacing", "music"}
    assert not [name for name in reviewers if name in text]

    page.goto(base + "/studio/northlight/members/")
    no_reviewer_named()

    # a phone: the page itself must not scroll sideways (tables scroll in their own boxes)
    narrow = new_page(width=390, height=844)
    narrow.context.add_cookies(page.context.cookies())
    narrow.goto(f"{base}/studio/northlight/films/{heat.pk}/")
    narrow.wait_for_selector("#aspects-h")
    narrow.screenshot(path=str(shots / "studio-film-insight-390.png"), full_page=True)
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"film insight page is {width} px wide at 390 px: something (a table?) overflows"
    # and the charts' words stay readable there (they scroll in their own box instead of shrinking)
    smallest = narrow.evaluate(
        "Math.min(...[...document.querySelectorAll('svg.chart text')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11, f"chart text is {smallest:.1f} px high at 390 px (about 10 px letters at least)"
    assert len(seen) == 6
