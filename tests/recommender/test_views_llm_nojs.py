"""The "Draft my review" panel without JavaScript: what the member typed in the review form stays.

Its buttons submit the review form to the panel's URLs (form=, formaction=), so the review box's
fields come along; the page the redirect lands on shows them again, once.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from community.reviews.forms import TYPED_REVIEW_SESSION_KEY
from community.reviews.models import REVIEW_MAX_LENGTH
from recommender.models import GeneratedText
from tests.factories import MovieFactory, RatingFactory, UserFactory
from tests.recommender.test_views_llm import JSON, ask_url, form_url, make_text, status_url, textarea

pytestmark = pytest.mark.django_db

DRAFT = GeneratedText.Kind.REVIEW_DRAFT
TYPED = "Foxx carries the cab ride.\r\nAnd the <b>ending</b> & the coyote!"
SHOWN = "Foxx carries the cab ride.\nAnd the &lt;b&gt;ending&lt;/b&gt; &amp; the coyote!"  # as in the box


@pytest.fixture(autouse=True)
def _scripted_models(fake_models):
    """Every test here runs on the scripted models (the `fake_models` fixture of conftest.py)."""


@pytest.fixture
def rated(user):
    movie = MovieFactory(title="Collateral", year=2004, director_names="Michael Mann")
    RatingFactory(user=user, movie=movie, score=Decimal("4.5"))
    return movie


def discard_url(movie):
    return reverse("recommender:ai_discard", kwargs={"slug": movie.slug, "panel": "review-draft"})


def typed(body=TYPED, spoilers=True, **more):
    """The review form's fields as the browser submits them with a panel button."""
    return {"body": body, **({"has_spoilers": "on"} if spoilers else {}), **more}


def follow(client, response) -> str:
    """The page a redirect lands on."""
    assert response.status_code == 302
    page = client.get(response["Location"].split("#")[0])
    assert page.status_code == 200
    return page.content.decode()


def spoilers_ticked(content: str) -> bool:
    (checkbox,) = re.findall(r'<input type="checkbox" name="has_spoilers"[^>]*>', content)
    return " checked" in checkbox


@pytest.mark.parametrize("on", ["", "?on=review-form"])
def test_the_panel_buttons_submit_the_review_form_on_both_pages(member_client, user, rated, on):
    def page() -> str:
        url = form_url(rated) if on else rated.get_absolute_url()
        return member_client.get(url).content.decode()

    content = page()
    assert 'id="review-form"' in content
    assert f'form="review-form" formaction="{ask_url(rated)}{on}" formnovalidate>' in content

    row = make_text(user, rated, DRAFT, GeneratedText.Status.FAILED)
    assert f'formaction="{ask_url(rated)}{on}" formnovalidate>Try again' in page()
    row.status = GeneratedText.Status.PENDING
    row.save()
    assert f'formaction="{status_url(rated)}{on}" formnovalidate>Check again' in page()
    row.status, row.text = GeneratedText.Status.READY, "A draft."
    row.save()
    assert f'formaction="{discard_url(rated)}{on}" formnovalidate>Discard draft' in page()


def test_asking_on_the_movie_page_keeps_what_the_member_typed(member_client, user, rated, queued):
    response = member_client.post(ask_url(rated), typed())
    assert response["Location"] == f"{rated.get_absolute_url()}#ai-review-draft"
    content = follow(member_client, response)
    assert GeneratedText.objects.get(user=user, movie=rated).status == GeneratedText.Status.PENDING
    assert 'data-ai-status="pending"' in content
    assert textarea(content) == SHOWN and spoilers_ticked(content)

    # Once: the next visit starts from an empty form again.
    content = member_client.get(rated.get_absolute_url()).content.decode()
    assert textarea(content) == "" and not spoilers_ticked(content)


def test_asking_on_the_review_form_page_keeps_what_the_member_typed(member_client, rated, queued):
    response = member_client.post(f"{ask_url(rated)}?on=review-form", typed())
    assert response["Location"] == f"{form_url(rated)}#ai-review-draft"
    content = follow(member_client, response)
    assert "Writing your AI draft" in content
    assert textarea(content) == SHOWN and spoilers_ticked(content)
    assert textarea(member_client.get(form_url(rated)).content.decode()) == ""


def test_a_refused_request_keeps_what_the_member_typed_too(member_client, queued):
    unrated = MovieFactory()
    content = follow(member_client, member_client.post(ask_url(unrated), typed(spoilers=False)))
    assert "Rate this movie to get an AI draft" in content
    assert textarea(content) == SHOWN and not spoilers_ticked(content)


def test_trying_again_after_a_failed_draft_keeps_what_the_member_typed(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    row = make_text(user, rated, DRAFT, GeneratedText.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"{ask_url(rated)}?on=review-form", typed())
    content = follow(member_client, response)
    row.refresh_from_db()
    assert row.status == GeneratedText.Status.PENDING and len(queued) == 1
    assert textarea(content) == SHOWN


def test_checking_again_keeps_what_the_member_typed_and_asks_for_nothing(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    row = make_text(user, rated, DRAFT, GeneratedText.Status.PENDING)
    for on, page in (("", rated.get_absolute_url()), ("?on=review-form", form_url(rated))):
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.post(f"{status_url(rated)}{on}", typed())
        assert response["Location"] == f"{page}#ai-review-draft"
        assert textarea(follow(member_client, response)) == SHOWN
    assert not queued
    assert GeneratedText.objects.values_list("pk", "task_id", "updated_at").get() == (
        row.pk,
        row.task_id,
        row.updated_at,
    )
    assert member_client.get(status_url(rated)).json()["status"] == "pending"  # ai.js's poll as before


def test_a_draft_that_arrived_meanwhile_leaves_the_typed_text_in_the_box_on_the_movie_page(
    member_client, user, rated
):
    make_text(user, rated, DRAFT, GeneratedText.Status.PENDING)
    response = member_client.post(status_url(rated), typed())
    GeneratedText.objects.update(status=GeneratedText.Status.READY, text="The AI draft about Collateral.")
    content = follow(member_client, response)
    assert textarea(content) == SHOWN and spoilers_ticked(content)
    shown = content.split('class="ai-draft"')[1].split("</blockquote>")[0]
    assert "The AI draft about Collateral." in shown  # there to read and copy instead

    # Without typed text the draft fills the box, as before.
    content = member_client.get(rated.get_absolute_url()).content.decode()
    assert textarea(content) == "The AI draft about Collateral." and 'class="ai-draft"' not in content


def test_discarding_a_draft_keeps_what_the_member_typed(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="Draft to throw away.")
    response = member_client.post(f"{discard_url(rated)}?on=review-form", typed())
    assert response["Location"] == f"{form_url(rated)}#ai-review-draft"
    content = follow(member_client, response)
    assert not GeneratedText.objects.exists() and "Draft my review" in content
    assert textarea(content) == SHOWN and spoilers_ticked(content)


def test_discarding_the_draft_the_movie_page_put_in_the_box_empties_the_box(member_client, user, rated):
    draft = "Draft to throw away.\nSecond line."
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text=draft)
    assert textarea(member_client.get(rated.get_absolute_url()).content.decode()) == draft
    # The browser sends the box's line breaks as \r\n.
    content = follow(
        member_client, member_client.post(discard_url(rated), typed(draft.replace("\n", "\r\n")))
    )
    assert textarea(content) == "" and spoilers_ticked(content)

    # A draft the member changed is theirs now.
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text=draft)
    content = follow(member_client, member_client.post(discard_url(rated), typed(draft + " Mine now.")))
    assert textarea(content) == draft + " Mine now."


def test_what_was_typed_comes_back_only_on_that_movies_pages(member_client, user, rated, queued):
    other = MovieFactory()
    member_client.post(ask_url(rated), typed())
    assert textarea(member_client.get(other.get_absolute_url()).content.decode()) == ""
    assert textarea(member_client.get(form_url(other)).content.decode()) == ""
    assert textarea(member_client.get(rated.get_absolute_url()).content.decode()) == SHOWN


def test_what_one_member_typed_never_shows_for_another(member_client, rated, queued):
    member_client.post(ask_url(rated), typed())
    kept = member_client.session[TYPED_REVIEW_SESSION_KEY]
    other = Client()
    other.force_login(UserFactory())
    session = other.session
    session[TYPED_REVIEW_SESSION_KEY] = kept  # even in their session, it is not theirs
    session.save()
    for url in (rated.get_absolute_url(), form_url(rated)):
        assert textarea(other.get(url).content.decode()) == ""


def test_only_the_review_forms_fields_are_kept_and_no_longer_than_the_box_takes(member_client, rated, queued):
    long = "x" * (REVIEW_MAX_LENGTH + 500)
    member_client.post(ask_url(rated), typed(long, title="Mine", next="https://evil.example/"))
    assert member_client.session[TYPED_REVIEW_SESSION_KEY]["fields"] == {
        "body": "x" * REVIEW_MAX_LENGTH,
        "has_spoilers": True,
    }


@pytest.mark.parametrize("fields", [{}, {"on": "review-form"}])
def test_a_request_without_the_review_forms_fields_keeps_nothing_and_still_works(
    member_client, user, rated, queued, fields, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(ask_url(rated), fields)
    assert response.status_code == 302 and len(queued) == 1
    assert TYPED_REVIEW_SESSION_KEY not in member_client.session
    content = follow(member_client, response)
    assert textarea(content) == "" and not spoilers_ticked(content)

    response = member_client.post(discard_url(rated), fields)
    assert "Draft my review" in follow(member_client, response)
    assert TYPED_REVIEW_SESSION_KEY not in member_client.session


def test_an_empty_review_form_forgets_text_kept_earlier(member_client, rated, queued):
    member_client.post(ask_url(rated), typed())
    member_client.post(status_url(rated), typed("", spoilers=False))
    assert TYPED_REVIEW_SESSION_KEY not in member_client.session


def test_requests_from_javascript_keep_nothing(member_client, user, rated, queued):
    data = member_client.post(ask_url(rated), typed(), **JSON).json()
    assert data["status"] == "pending"
    data = member_client.post(discard_url(rated), typed(), **JSON).json()
    assert data["status"] == "none"
    assert TYPED_REVIEW_SESSION_KEY not in member_client.session


def test_posting_the_review_after_asking_works_as_usual(member_client, user, rated, queued):
    member_client.post(f"{ask_url(rated)}?on=review-form", typed())
    content = member_client.get(form_url(rated)).content.decode()
    response = member_client.post(form_url(rated), {"body": html.unescape(textarea(content)) + " Posted."})
    assert response.status_code == 302
    assert user.reviews.get().body == TYPED.replace("\r\n", "\n") + " Posted."


def test_keeping_needs_a_signed_in_member_and_a_csrf_token(client, user, rated, queued):
    for url in (ask_url(rated), discard_url(rated), status_url(rated)):
        response = client.post(url, typed())
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    for url in (ask_url(rated), discard_url(rated), status_url(rated)):
        assert strict.post(url, typed()).status_code == 403
    assert TYPED_REVIEW_SESSION_KEY not in strict.session and not queued
