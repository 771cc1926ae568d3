"""The AI panels in headless Chromium (see conftest.py): ask, watch it pending, see it ready,
on the movie page and on the review form page.

The generation task is captured instead of sent to the broker and then run in the test
(with the fake generator), so the pending state stays on screen long enough to look at.
Screenshots go to the shots folder (conftest.py) for a human to look at.
Run with: pytest tests/browser/test_movie_ai.py -m browser
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    TEST_PASSWORD,
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def run_queued(queued) -> None:
    from recommender.models import GeneratedText
    from recommender.tasks.generation import generated_text_produce

    while queued:
        text_id, task_id = queued.pop(0)
        generated_text_produce.apply(args=[text_id], task_id=task_id)
        row = GeneratedText.objects.get(pk=text_id)
        if row.kind == GeneratedText.Kind.DISCUSSION_SUGGESTIONS:
            # The fake ranks threads by recency only (the five the page lists anyway); point the
            # suggestions at the older threads, as MiniLM would for this member's interests.
            older = row.movie.threads.order_by("last_activity_at").values_list("pk", flat=True)[:2]
            row.payload["similar_thread_ids"] = list(older)
            row.save(update_fields=["payload"])


@pytest.fixture
def collateral(transactional_db, fake_models):
    crime = GenreFactory(name="Crime")
    thriller = GenreFactory(name="Thriller")
    movie = MovieFactory(
        title="Collateral",
        year=2004,
        genres=[crime, thriller],
        director_names="Michael Mann",
        cast_names="Tom Cruise, Jamie Foxx, Jada Pinkett Smith",
        plot="A cab driver finds himself the hostage of an engaging contract killer as he makes "
        "his rounds from hit to hit during one night in Los Angeles.",
        plot_source="Wikipedia",
        plot_license="CC BY-SA 4.0",
    )
    heat = MovieFactory(title="Heat", year=1995, genres=[crime], director_names="Michael Mann")
    member = UserFactory(username="maya")
    RatingFactory(user=member, movie=heat, score=Decimal("5.0"))
    ReviewFactory(user=member, movie=heat, body="Tense pacing and a superb cast; the diner scene is perfect.")
    RatingFactory(user=member, movie=movie, score=Decimal("4.5"))
    for i, body in enumerate(
        ["The ending was brilliant.", "The ending was awful, it dragged.", "Great acting from Foxx."]
    ):
        other = UserFactory(username=f"critic{i}")
        ReviewFactory(user=other, movie=movie, body=body)
        RatingFactory(user=other, movie=movie, score=Decimal(str(3 + i * 0.5)))
    long_ago = timezone.now() - timezone.timedelta(days=40)
    ThreadFactory(movie=movie, title="Was Max ever really in danger?", last_activity_at=long_ago)
    ThreadFactory(movie=movie, title="The coyote scene, explained", last_activity_at=long_ago)
    for title in [
        "Best Michael Mann film?",
        "Foxx deserved the Oscar",
        "That jazz club",
        "LA at night",
        "Vincent",
    ]:
        ThreadFactory(movie=movie, title=title)
    from community.movies.services import movie_stats_refresh

    movie_stats_refresh(movie_ids=[movie.pk, heat.pk])
    return movie


def log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "maya")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_member_drafts_a_review_and_gets_discussion_questions(
    live_server, collateral, queued, new_page, shot, section_shot
):
    page = new_page()
    base = live_server.url
    log_in(page, base)
    page.goto(base + collateral.get_absolute_url())
    assert page.locator("#ai-review-draft button:has-text('Draft my review')").is_visible()
    shot(page, "ai-01-movie-page-buttons")

    # Draft: the click asks through fetch; the panel spins and polls without a reload.
    page.click("#ai-review-draft button:has-text('Draft my review')")
    page.wait_for_selector("#ai-review-draft[data-ai-status=pending] .ai-spinner")
    assert len(queued) == 1
    section_shot(page, ".movie-main > section.panel", "ai-02-draft-pending")
    shot(page, "ai-02-draft-pending-page")
    run_queued(queued)
    page.wait_for_selector("#ai-review-draft[data-ai-status=ready]", timeout=10_000)
    body = page.input_value("#id_body")
    assert "Collateral" in body
    assert page.locator("#ai-review-draft .badge-ai").inner_text() == "AI-generated draft"
    section_shot(page, ".movie-main > section.panel", "ai-03-draft-ready")
    page.reload()
    assert page.input_value("#id_body") == body  # rendered by the server too (no JS needed)

    # Suggestions: the same ask-and-poll, then three questions that open a prefilled thread form.
    page.click("#ai-suggestions button:has-text('Suggest discussion questions')")
    page.wait_for_selector("#ai-suggestions[data-ai-status=pending] .ai-spinner")
    section_shot(page, "section[aria-labelledby=discussions-h]", "ai-04-suggestions-pending")
    run_queued(queued)
    page.wait_for_selector("#ai-suggestions[data-ai-status=ready]", timeout=10_000)
    questions = page.locator("#ai-suggestions .ai-question")
    assert questions.count() == 3
    assert page.locator("#ai-suggestions .ai-threads li").count() >= 1
    section_shot(page, "section[aria-labelledby=discussions-h]", "ai-05-suggestions-ready")
    shot(page, "ai-06-movie-page-ready")

    # Small screens.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    section_shot(page, ".movie-main > section.panel", "ai-07-mobile-draft-ready")
    section_shot(page, "section[aria-labelledby=discussions-h]", "ai-08-mobile-suggestions")

    first = questions.first.inner_text()
    page.locator("#ai-suggestions a:has-text('Start this discussion')").first.click()
    page.wait_for_url("**/discussions/new/?title=*")
    assert page.input_value("#id_title") == first
    shot(page, "ai-09-mobile-thread-form-prefilled")

    # Discard the draft: the box empties and the button comes back.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + collateral.get_absolute_url())
    page.click("#ai-review-draft button:has-text('Discard draft')")
    page.wait_for_selector("#ai-review-draft button:has-text('Draft my review')")
    assert page.input_value("#id_body") == ""


def test_the_panels_say_warming_up_until_the_models_are_ready(
    live_server, collateral, queued, new_page, section_shot, monkeypatch, settings
):
    settings.LLM_BACKEND = "real"  # with an empty model cache
    page = new_page(390, 844)
    log_in(page, live_server.url)
    page.goto(live_server.url + collateral.get_absolute_url())
    assert page.locator(".ai-notice").count() == 2
    assert page.locator("button:has-text('Draft my review')").count() == 0
    section_shot(page, ".movie-main > section.panel", "ai-10-mobile-warming-up")


def test_the_review_form_page_offers_the_draft_and_keeps_what_the_member_typed(
    live_server, collateral, queued, new_page, shot
):
    page = new_page()
    form_url = live_server.url + reverse("reviews:create", kwargs={"slug": collateral.slug})
    log_in(page, live_server.url)
    page.goto(form_url)
    assert page.locator("#ai-review-draft button:has-text('Draft my review')").is_visible()
    shot(page, "ai-11-review-form")

    answers: list[bool] = []  # how the member answers each "Replace what you typed?" question
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    page.on("dialog", answer)

    # The member starts typing, then asks: when the draft arrives they are asked first, say no,
    # and keep their text; the draft stays on show with "Use this draft".
    typed = "Foxx is the heart of it."
    page.fill("#id_body", typed)
    page.click("#ai-review-draft button:has-text('Draft my review')")
    page.wait_for_selector("#ai-review-draft[data-ai-status=pending] .ai-spinner")
    shot(page, "ai-12-review-form-pending")
    answers.append(False)
    run_queued(queued)
    page.wait_for_selector("#ai-review-draft[data-ai-status=ready]", timeout=10_000)
    assert asked == ["Replace what you typed with the AI-generated draft?"]
    assert page.input_value("#id_body") == typed
    draft = page.get_attribute("#ai-review-draft", "data-ai-draft")
    assert draft and "Collateral" in draft
    assert "Collateral" in page.inner_text("#ai-review-draft .ai-draft")
    assert page.locator("#ai-review-draft .badge-ai").inner_text() == "AI-generated draft"
    shot(page, "ai-13-review-form-draft-ready")

    # "Use this draft" asks again; this time the member agrees.
    answers.append(True)
    page.click("#ai-review-draft button:has-text('Use this draft')")
    assert len(asked) == 2 and page.input_value("#id_body") == draft

    # Without JavaScript the draft is there to read and copy, and the box stays empty.
    plain = new_page(390, 844, java_script_enabled=False)
    log_in(plain, live_server.url)
    plain.goto(form_url)
    assert "Collateral" in plain.inner_text("#ai-review-draft .ai-draft")
    assert not plain.locator("#ai-review-draft button:has-text('Use this draft')").is_visible()
    assert plain.input_value("#id_body") == ""
    shot(plain, "ai-14-mobile-review-form-no-js")

    # Small screens, then post the review made from the draft.
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "ai-15-mobile-review-form-draft-used")
    page.fill("#id_body", draft + " Mine now.")
    page.click("button:has-text('Post review')")
    page.wait_for_url(lambda url: "#review-" in url)
    assert "Mine now." in page.inner_text("#your-review-h + .review")


def test_without_javascript_the_draft_buttons_keep_what_the_member_typed(
    live_server, collateral, queued, new_page, shot
):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url)
    typed = "Foxx is the heart of it.\nAnd that coyote."

    # Movie page: ask, check again, and once the draft is there the typed text is still in the box.
    page.goto(live_server.url + collateral.get_absolute_url())
    page.fill("#id_body", typed)
    page.check("#id_has_spoilers")
    page.click("#ai-review-draft button:has-text('Draft my review')")
    page.wait_for_selector("#ai-review-draft[data-ai-status=pending]")
    assert page.input_value("#id_body") == typed and page.is_checked("#id_has_spoilers")
    run_queued(queued)
    page.click("#ai-review-draft button:has-text('Check again')")
    page.wait_for_selector("#ai-review-draft[data-ai-status=ready]")
    assert page.input_value("#id_body") == typed and page.is_checked("#id_has_spoilers")
    assert "Collateral" in page.inner_text("#ai-review-draft .ai-draft")  # beside it, to copy
    shot(page, "ai-16-movie-page-no-js-typed-text-kept")
    page.click("#ai-review-draft button:has-text('Discard draft')")
    page.wait_for_selector("#ai-review-draft button:has-text('Draft my review')")
    assert page.input_value("#id_body") == typed

    # Review form page: the same, and the page it comes back to is the review form page.
    page.goto(live_server.url + reverse("reviews:create", kwargs={"slug": collateral.slug}))
    page.fill("#id_body", typed)
    page.click("#ai-review-draft button:has-text('Draft my review')")
    page.wait_for_selector("#ai-review-draft[data-ai-status=pending]")
    assert "/review/" in page.url and page.input_value("#id_body") == typed
    shot(page, "ai-17-review-form-no-js-typed-text-kept")
