"""The diary, the Letterboxd import (a small upload and its review screen) and the Lists pages in
headless Chromium (see conftest.py), at 1280 and 390 px: what each page must show, and that no
page scrolls sideways on a phone. Screenshots go to the shots folder for a person to look at.

The import task is run where it is queued (in the live server's thread) instead of being sent to
the broker, as a worker would run it. Run with: pytest tests/browser/test_diary_lists.py -m browser
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.community.diary.factories import DIARY_HEADER, REVIEWS_HEADER, csv_bytes, zip_of
from tests.factories import TEST_PASSWORD, MovieFactory, UserFactory

pytestmark = pytest.mark.browser

LONG_TITLE = "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"


@pytest.fixture
def diary_world(transactional_db, settings, monkeypatch):
    from community.diary import services as diary_services
    from community.diary import tasks
    from community.lists import services as list_services
    from community.lists.models import FilmList

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(
        tasks.letterboxd_import, "delay", lambda job_id: tasks.letterboxd_import.apply([job_id])
    )
    films = {
        "heat": MovieFactory(title="Heat", year=1995, runtime_minutes=170),
        "ran": MovieFactory(title="Ran", year=1985, runtime_minutes=162),
        "long": MovieFactory(title=LONG_TITLE, year=1964, runtime_minutes=95),
        "solaris72": MovieFactory(title="Solaris", year=1972),
        "solaris02": MovieFactory(title="Solaris", year=2002),
        "thief": MovieFactory(title="Thief", year=1981),
    }
    member = UserFactory(username="lena")
    today = datetime.date.today()
    diary_services.diary_entry_log(
        user=member,
        movie=films["heat"],
        watched_on=today - datetime.timedelta(days=3),
        rating=Decimal("4.5"),
        tags=["crime", "rainy day", "a-rather-long-tag-name-that-should-wrap-nicely"],
        review_text="The diner scene is the best two minutes of the decade.",
    )
    diary_services.diary_entry_log(
        user=member, movie=films["long"], watched_on=today - datetime.timedelta(days=40), rewatch=True
    )
    friend = UserFactory(username="omar")
    film_list = list_services.list_create(
        owner=member,
        title="Heists and long nights: a very long list title that has to wrap on a phone",
        description="Films about a job that goes wrong, ranked by how much I care.",
        ranked=True,
        visibility="public",
    )
    for key, note in (("heat", "The one everything else copies."), ("thief", ""), ("long", "Not a heist.")):
        list_services.entry_add(film_list=film_list, user=member, movie=films[key], note=note)
    list_services.comment_create(film_list=film_list, user=friend, body="Where is Rififi?")
    assert FilmList.objects.filter(owner=member).count() == 1
    return {"member": member, "films": films, "list": film_list}


def upload_zip() -> bytes:
    return zip_of(
        {
            "diary.csv": csv_bytes(
                DIARY_HEADER,
                [
                    ["2024-01-02", "Ran", "1985", "", "5", "", "epic", "2024-01-01"],
                    ["2024-01-07", "Solaris", "1990", "", "3", "", "", "2024-01-07"],  # two candidates
                    ["2024-01-08", "A Film Nobody Made", "1990", "", "", "", "", "2024-01-08"],
                ],
            ),
            "reviews.csv": csv_bytes(
                REVIEWS_HEADER,
                [
                    [
                        "2024-01-02",
                        "Ran",
                        "1985",
                        "",
                        "5",
                        "",
                        "Lear <i>on horseback</i>",
                        "epic, kurosawa",
                        "2024-01-01",
                    ]
                ],
            ),
        }
    )


def log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "lena")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def assert_no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
        )
        raise AssertionError(f"{what} scrolls sideways by {overflow}px: {wide}")


def test_diary_import_and_lists_at_desktop_and_phone_widths(
    live_server, diary_world, new_page, shot, tmp_path
):
    base = live_server.url
    upload = tmp_path / "letterboxd-export.zip"
    upload.write_bytes(upload_zip())
    film_list = diary_world["list"]
    for width in (1280, 390):
        page = new_page(width=width)
        log_in(page, base)

        page.goto(base + "/diary/")
        diary = page.locator("main")
        assert diary.get_by_text("Heat").first.is_visible()
        assert diary.get_by_text(LONG_TITLE).first.is_visible()
        assert page.locator("main").get_by_text("rainy-day").first.is_visible()
        assert_no_sideways_scroll(page, f"the diary at {width}px")
        shot(page, f"diary-{width}")

        if width == 1280:  # one import: the second pass would find everything already here
            page.goto(base + "/diary/import/")
            page.set_input_files("input[type=file]", str(upload))
            shot(page, f"diary-import-form-{width}")
            page.click("main button:has-text('Import')")
            page.wait_for_url(
                lambda url: "/diary/import/" in url and url.rstrip("/").split("/")[-1].isdigit()
            )
            job_url = page.url
        else:
            page.goto(job_url)
        page.wait_for_selector("#unmatched-h")
        review = page.locator("main")
        assert review.get_by_text("What was imported").is_visible()
        assert review.get_by_text("A Film Nobody Made", exact=True).is_visible()
        assert_no_sideways_scroll(page, f"the import review screen at {width}px")
        shot(page, f"diary-import-review-{width}")
        if width == 1280:
            solaris = page.locator(".unmatched-list > li", has_text="Solaris")
            assert solaris.locator("label.choice", has_text="Solaris (1972)").is_visible()
            solaris.locator("label.choice", has_text="Solaris (1972)").click()
            solaris.locator("button:has-text('Save')").click()
            page.wait_for_selector(".unmatched-list > li:has-text('Solaris') >> text=Imported.")
            page.goto(base + "/diary/")
            assert page.locator("main").get_by_text("Solaris").first.is_visible()
            assert page.locator("main").get_by_text("Ran").first.is_visible()

        # the year in review of the imported watches (January 2024), with its charts
        page.goto(base + "/u/lena/diary/year/2024/")
        year = page.locator("main")
        assert year.get_by_role("heading", name="Your 2024 in film").is_visible()
        assert year.get_by_role("heading", name="Month by month").is_visible()
        assert year.locator("svg").count() >= 1
        assert year.get_by_text("Ran").first.is_visible()
        assert_no_sideways_scroll(page, f"the year in review at {width}px")
        shot(page, f"diary-year-{width}")

        page.goto(base + "/lists/")
        assert page.locator("main").get_by_text("Heists and long nights").first.is_visible()
        assert_no_sideways_scroll(page, f"the Lists page at {width}px")
        shot(page, f"lists-{width}")

        page.goto(base + film_list.get_absolute_url())
        main = page.locator("main")
        assert main.get_by_text("The one everything else copies.").is_visible()
        assert main.get_by_text("Where is Rififi?").is_visible()
        assert main.get_by_text(LONG_TITLE).first.is_visible()
        assert_no_sideways_scroll(page, f"a list at {width}px")
        shot(page, f"list-{width}")

    from community.diary.models import DiaryEntry
    from community.reviews.models import Review

    member, films = diary_world["member"], diary_world["films"]
    assert DiaryEntry.objects.filter(user=member, movie=films["solaris72"]).exists()
    ran_review = Review.objects.get(user=member, movie=films["ran"])
    assert sorted(ran_review.tags.values_list("slug", flat=True)) == ["epic", "kurosawa"]
