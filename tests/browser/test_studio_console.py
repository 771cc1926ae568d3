"""A studio analyst's visit in headless Chromium: portfolio, film insight, compare, CSV download.

Screenshots of the film insight page at 1280 px and 390 px go to the shots folder (conftest.py).
Run with: pytest tests/browser/test_studio_console.py -m browser
"""

from __future__ import annotations

import csv
import io
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
]


@pytest.fixture
def studio_site(transactional_db):
    crime = GenreFactory(name="Crime")
    studio = Studio.objects.create(name="Northlight Pictures", slug="northlight")
    films = [
        MovieFactory(title=t, year=1995 + i, genres=[crime]) for i, t in enumerate(["Heat", "Ronin", "Thief"])
    ]
    studio.movies.add(*films)
    members = [UserFactory(username=f"viewer_name_{i}") for i in range(12)]
    for i, user in enumerate(members):
        for j, film in enumerate(films):
            when = datetime(2014 + i % 3, 1 + (i * 5 + j) % 12, 10, tzinfo=UTC)
            RatingFactory(user=user, movie=film, score=Decimal(str(2.5 + (i + j) % 6 * 0.5)), created_at=when)
        review = ReviewFactory(user=user, movie=films[0], body=" ".join(text for _a, _s, text in LINES))
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
    StudioMembership.objects.create(studio=studio, user=analyst)
    return {"films": films}


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
