"""The movie page's AI panels: "Draft my review", discussion suggestions, warming up."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from community.reviews.models import REVIEW_MAX_LENGTH
from recommender.models import GeneratedText
from recommender.tasks import generation as generation_tasks
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

DRAFT = GeneratedText.Kind.REVIEW_DRAFT
SUGGESTIONS = GeneratedText.Kind.DISCUSSION_SUGGESTIONS
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _scripted_models(fake_models):
    """Every test here runs on the scripted models (the `fake_models` fixture of conftest.py)."""


@pytest.fixture
def movie():
    return MovieFactory(title="Collateral", year=2004, director_names="Michael Mann")


@pytest.fixture
def rated(user, movie):
    RatingFactory(user=user, movie=movie, score=Decimal("4.5"))
    return movie


def make_text(user, movie, kind, status, text="", payload=None):
    now = timezone.now()
    return GeneratedText.objects.create(
        kind=kind,
        user=user,
        movie=movie,
        status=status,
        text=text,
        payload=payload or {},
        task_id=uuid.uuid4().hex,
        created_at=now,
        updated_at=now,
        model_name="fake",
        model_version="fake-1",
    )


def ask_url(movie, panel="review-draft"):
    return reverse("recommender:ai_ask", kwargs={"slug": movie.slug, "panel": panel})


def status_url(movie, panel="review-draft"):
    return reverse("recommender:ai_status", kwargs={"slug": movie.slug, "panel": panel})


def page(client, movie) -> str:
    response = client.get(movie.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- review draft -----------------------------------------------------------------------


def test_the_draft_button_shows_only_on_a_movie_the_member_has_rated(member_client, user, movie):
    content = page(member_client, movie)
    assert "Rate this movie to get an AI draft" in content
    assert "Draft my review" not in content

    RatingFactory(user=user, movie=movie)
    content = page(member_client, movie)
    assert "Draft my review" in content
    assert "Rate this movie to get an AI draft" not in content
    assert "js/ai.js" in content


def test_a_member_who_reviewed_the_movie_sees_no_draft_button(member_client, user, rated):
    ReviewFactory(user=user, movie=rated)
    assert "Draft my review" not in page(member_client, rated)


def test_anonymous_visitors_see_nothing_of_the_ai_features(client, rated):
    content = page(client, rated)
    for hint in ("Draft my review", "AI draft", "Suggest discussion questions", "js/ai.js", "AI-generated"):
        assert hint not in content


def test_anonymous_visitors_cannot_ask_or_poll(client, rated, queued):
    for response in (client.post(ask_url(rated)), client.get(status_url(rated))):
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not GeneratedText.objects.exists() and not queued


def test_asking_for_a_draft_queues_one_task_and_the_page_shows_it_pending(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(ask_url(rated))
    assert response.status_code == 302
    assert response["Location"] == f"{rated.get_absolute_url()}#ai-review-draft"
    row = GeneratedText.objects.get(user=user, movie=rated, kind=DRAFT)
    assert row.status == GeneratedText.Status.PENDING
    assert queued == [(row.pk, row.task_id)]

    content = page(member_client, rated)
    assert 'data-ai-status="pending"' in content and "Writing your AI draft" in content
    assert "ai-spinner" in content

    # Asking again while it is pending shows the same request instead of queueing another.
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(ask_url(rated))
    assert len(queued) == 1 and GeneratedText.objects.count() == 1


def test_asking_without_a_rating_queues_nothing(member_client, movie, queued):
    response = member_client.post(ask_url(movie), follow=True)
    assert "Rate this movie to get an AI draft" in response.content.decode()
    assert not GeneratedText.objects.exists() and not queued


def test_a_draft_is_written_by_the_task_and_lands_in_the_review_form(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(ask_url(rated), **JSON)
    ((text_id, task_id),) = queued
    assert member_client.get(status_url(rated)).json()["status"] == "pending"

    generation_tasks.generated_text_produce.apply(args=[text_id], task_id=task_id)

    data = member_client.get(status_url(rated)).json()
    row = GeneratedText.objects.get(pk=text_id)
    assert data["status"] == "ready" and row.text and "Collateral" in row.text
    assert "AI-generated draft" in data["html"]
    content = page(member_client, rated)
    assert "AI-generated draft" in content and "Discard draft" in content
    textarea = content.split('name="body"')[1].split("</textarea>")[0]
    assert row.text.split(".")[0] in textarea  # the draft fills the review box, ready to edit


@pytest.mark.parametrize(
    "status, expected",
    [
        (GeneratedText.Status.PENDING, "Writing your AI draft"),
        (GeneratedText.Status.READY, "AI-generated draft"),
        (GeneratedText.Status.FAILED, "We could not write your AI draft"),
    ],
)
def test_the_status_url_answers_the_drafts_state_and_panel(member_client, user, rated, status, expected):
    make_text(user, rated, DRAFT, status, text="A tense, precise thriller." if status == "ready" else "")
    response = member_client.get(status_url(rated))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["status"] == status and expected in data["html"]
    if status == GeneratedText.Status.FAILED:
        assert "Try again" in data["html"]


def test_the_status_url_of_a_draft_never_asked_for_says_none(member_client, rated):
    data = member_client.get(status_url(rated)).json()
    assert data["status"] == "none" and "Draft my review" in data["html"]


def test_an_unknown_panel_is_404(member_client, rated):
    assert member_client.get(status_url(rated, panel="poems")).status_code == 404
    assert member_client.post(ask_url(rated, panel="poems")).status_code == 404


def test_a_failed_draft_can_be_asked_for_again(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    row = make_text(user, rated, DRAFT, GeneratedText.Status.FAILED)
    assert "Try again" in page(member_client, rated)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(ask_url(rated))
    row.refresh_from_db()
    assert row.status == GeneratedText.Status.PENDING and queued == [(row.pk, row.task_id)]


def test_another_members_draft_is_never_shown(member_client, user, rated):
    other = UserFactory()
    RatingFactory(user=other, movie=rated)
    make_text(other, rated, DRAFT, GeneratedText.Status.READY, text="Someone else's secret draft.")
    content = page(member_client, rated)
    assert "secret draft" not in content and "Draft my review" in content
    data = member_client.get(status_url(rated)).json()
    assert data["status"] == "none" and "secret draft" not in data["html"]


def test_a_draft_is_escaped_everywhere_it_is_shown(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text='Great. <script>alert("x")</script>')
    for html in (page(member_client, rated), member_client.get(status_url(rated)).json()["html"]):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_discarding_a_draft_forgets_it(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="Draft to throw away.")
    response = member_client.post(
        reverse("recommender:ai_discard", kwargs={"slug": rated.slug, "panel": "review-draft"}), **JSON
    )
    assert response.json()["status"] == "none"
    assert not GeneratedText.objects.exists()
    assert "Draft to throw away" not in page(member_client, rated)


def test_asking_again_and_again_is_throttled(member_client, user, rated, queued, settings):
    settings.GENERATION_BUDGET = "2/hour"
    for _ in range(2):
        member_client.post(ask_url(rated))
        GeneratedText.objects.update(status=GeneratedText.Status.FAILED)
    data = member_client.post(ask_url(rated), **JSON).json()
    assert data["message"] == "You have used your 2 AI texts for now; you can ask again in an hour."
    assert GeneratedText.objects.get().status == GeneratedText.Status.FAILED


def test_without_javascript_a_spent_budget_shows_its_message_on_the_page(
    member_client, user, rated, queued, settings
):
    settings.GENERATION_BUDGET = "1/hour"
    member_client.post(ask_url(rated))
    GeneratedText.objects.update(status=GeneratedText.Status.FAILED)
    response = member_client.post(ask_url(rated), follow=True)
    assert response.status_code == 200
    assert "You have used your 1 AI text for now" in response.content.decode()
    assert GeneratedText.objects.get().status == GeneratedText.Status.FAILED


# --- warming up -------------------------------------------------------------------------


def test_while_the_models_warm_up_the_page_shows_a_notice_and_asking_queues_nothing(
    member_client, user, rated, queued, monkeypatch, settings
):
    settings.LLM_BACKEND = "real"  # with an empty model cache: nothing is ready yet
    content = page(member_client, rated)
    assert "AI features are being prepared on this first start" in content
    assert "What is being prepared" in content  # the steps, with the one under way
    assert "Draft my review" not in content and "Suggest discussion questions" not in content

    for panel in ("review-draft", "discussion-suggestions"):
        data = member_client.post(ask_url(rated, panel), **JSON).json()
        assert data["status"] == "none" and "being prepared" in data["message"]
    assert not GeneratedText.objects.exists() and not queued


def test_a_pending_request_keeps_polling_while_the_models_warm_up(
    member_client, user, rated, monkeypatch, settings
):
    settings.LLM_BACKEND = "real"
    make_text(user, rated, DRAFT, GeneratedText.Status.PENDING)
    content = page(member_client, rated)
    assert 'data-ai-status="pending"' in content and "being prepared" in content


# --- discussion suggestions -------------------------------------------------------------


def test_without_suggestions_a_member_can_ask_for_them(member_client, movie):
    content = page(member_client, movie)
    assert "Suggest discussion questions" in content
    assert ask_url(movie, "discussion-suggestions") in content


def test_ready_suggestions_offer_to_start_each_discussion_and_threads_you_may_like(
    member_client, user, movie
):
    long_ago = timezone.now() - timezone.timedelta(days=30)
    liked = ThreadFactory(movie=movie, title="The coyote scene", last_activity_at=long_ago)
    for _ in range(5):
        ThreadFactory(movie=movie)  # more recently active: these are the five the page lists
    questions = [
        "Did the ending of Collateral feel earned?",
        "How does Michael Mann use the city at night?",
        "Is Vincent a believable villain & why?",
    ]
    make_text(
        user,
        movie,
        SUGGESTIONS,
        GeneratedText.Status.READY,
        text="\n".join(questions),
        payload={"questions": questions, "similar_thread_ids": [liked.pk, 999999]},
    )
    content = page(member_client, movie)
    assert "Questions you could ask" in content and "AI-generated" in content
    assert content.count("Start this discussion") == 3
    create = reverse("discussions:create", kwargs={"slug": movie.slug})
    assert f"{create}?title=Is%20Vincent%20a%20believable%20villain%20%26%20why%3F" in content
    assert "Is Vincent a believable villain &amp; why?" in content
    assert "Threads you may like" in content and "The coyote scene" in content

    # The link opens the usual form with the question as its title, for the member to finish.
    form = member_client.get(create, {"title": questions[2]})
    assert form.context["form"]["title"].value() == questions[2]


def test_threads_the_page_lists_anyway_are_not_suggested_again(member_client, user, movie):
    listed = ThreadFactory(movie=movie, title="Already on the page")
    make_text(
        user,
        movie,
        SUGGESTIONS,
        GeneratedText.Status.READY,
        payload={"questions": ["Is this a question?"], "similar_thread_ids": [listed.pk]},
    )
    content = page(member_client, movie)
    assert content.count("Already on the page") == 1 and "Threads you may like" not in content
    html = member_client.get(status_url(movie, "discussion-suggestions")).json()["html"]
    assert "Already on the page" not in html


def test_suggestions_are_written_end_to_end_with_the_fake_generator(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    ReviewFactory(movie=rated, body="The ending was brilliant.")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(ask_url(rated, "discussion-suggestions"))
    assert response["Location"].endswith("#ai-suggestions")
    assert "Thinking of questions" in page(member_client, rated)
    ((text_id, task_id),) = queued

    generation_tasks.generated_text_produce.apply(args=[text_id], task_id=task_id)

    data = member_client.get(status_url(rated, "discussion-suggestions")).json()
    assert data["status"] == "ready" and data["html"].count("Start this discussion") == 3


def test_another_members_suggestions_are_never_shown(member_client, movie):
    make_text(
        UserFactory(),
        movie,
        SUGGESTIONS,
        GeneratedText.Status.READY,
        payload={"questions": ["Whose question is this?"]},
    )
    content = page(member_client, movie)
    assert "Whose question is this?" not in content and "Suggest discussion questions" in content


# --- the page as a whole ----------------------------------------------------------------


def test_the_movie_page_query_count_stays_bounded_with_the_ai_panels(
    member_client, user, rated, django_assert_max_num_queries
):
    long_ago = timezone.now() - timezone.timedelta(days=30)
    threads = [ThreadFactory(movie=rated, last_activity_at=long_ago) for _ in range(3)]
    threads += [ThreadFactory(movie=rated) for _ in range(5)]
    for _ in range(10):
        review = ReviewFactory(movie=rated)
        RatingFactory(movie=rated, user=review.user)
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="A draft.")
    make_text(
        user,
        rated,
        SUGGESTIONS,
        GeneratedText.Status.READY,
        payload={"questions": ["One question here?"], "similar_thread_ids": [t.pk for t in threads[:3]]},
    )
    # A fixed number whatever the rows: the page, the AI panels, the movie notes, "What
    # audiences say" and the similar reviews' stored neighbours read one or two queries each,
    # and so do your watches (diary), the lists holding the film and your predicted rating.
    with django_assert_max_num_queries(24):
        content = page(member_client, rated)
    assert "A draft." in content and "Threads you may like" in content


# --- the review form page ---------------------------------------------------------------


def form_url(movie):
    return reverse("reviews:create", kwargs={"slug": movie.slug})


def form_page(client, movie, status_code=200) -> str:
    response = client.get(form_url(movie))
    assert response.status_code == status_code
    return response.content.decode()


def textarea(content: str) -> str:
    """The review box's text (Django writes a newline after the tag, which browsers drop)."""
    return content.split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0].removeprefix("\n")


def test_the_review_form_page_offers_a_draft_once_the_member_has_rated_the_movie(member_client, user, movie):
    content = form_page(member_client, movie)
    assert "Rate this movie</a> to get an AI draft" in content and movie.get_absolute_url() in content
    assert "Draft my review" not in content

    RatingFactory(user=user, movie=movie)
    content = form_page(member_client, movie)
    assert "Draft my review" in content and "Rate this movie" not in content
    assert '<input type="hidden" name="on" value="review-form">' in content
    assert f'data-ai-url="{status_url(movie)}?on=review-form"' in content
    assert "js/ai.js" in content and 'id="review-form"' in content


def test_asking_on_the_review_form_page_without_javascript_comes_back_to_it_pending(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(ask_url(rated), {"on": "review-form"})
    assert response.status_code == 302
    assert response["Location"] == f"{form_url(rated)}#ai-review-draft"
    row = GeneratedText.objects.get(user=user, movie=rated, kind=DRAFT)
    assert queued == [(row.pk, row.task_id)]

    content = form_page(member_client, rated)
    assert 'data-ai-status="pending"' in content and "Writing your AI draft" in content
    assert f'formaction="{status_url(rated)}?on=review-form" formnovalidate>Check again' in content


def test_a_draft_written_by_the_task_is_shown_on_the_review_form_page_to_use_or_copy(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(ask_url(rated), {"on": "review-form"}, **JSON)
    ((text_id, task_id),) = queued
    generation_tasks.generated_text_produce.apply(args=[text_id], task_id=task_id)
    draft = GeneratedText.objects.get(pk=text_id).text
    assert "Collateral" in draft

    # The status URL that ai.js polls answers this page's variant of the panel.
    data = member_client.get(status_url(rated), {"on": "review-form"}).json()
    assert data["status"] == "ready" and "AI-generated draft" in data["html"]
    assert 'class="ai-draft"' in data["html"] and "data-ai-use hidden" in data["html"]
    assert 'class="ai-draft"' not in member_client.get(status_url(rated)).json()["html"]

    content = form_page(member_client, rated)
    assert "AI-generated draft" in content and "Use this draft" in content and "Discard draft" in content
    shown = content.split('class="ai-draft"')[1].split("</blockquote>")[0]
    assert draft.split(".")[0] in shown  # there to copy without JavaScript
    assert textarea(content) == ""  # the box is the member's: ai.js fills it only when asked


def test_a_failed_draft_can_be_asked_for_again_on_the_review_form_page(
    member_client, user, rated, queued, django_capture_on_commit_callbacks
):
    row = make_text(user, rated, DRAFT, GeneratedText.Status.FAILED)
    content = form_page(member_client, rated)
    assert "We could not write your AI draft" in content and "Try again" in content
    with django_capture_on_commit_callbacks(execute=True):
        data = member_client.post(ask_url(rated), {"on": "review-form"}, **JSON).json()
    row.refresh_from_db()
    assert row.status == GeneratedText.Status.PENDING and queued == [(row.pk, row.task_id)]
    assert data["status"] == "pending" and "?on=review-form" in data["html"]


def test_a_review_that_fails_validation_keeps_the_typed_text_beside_a_ready_draft(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="The AI draft about Collateral.")
    typed = "My own words about the cab ride. " * (REVIEW_MAX_LENGTH // 30)  # too long to post
    response = member_client.post(form_url(rated), {"body": typed})
    assert response.status_code == 400
    content = response.content.decode()
    assert textarea(content) == typed
    assert "The AI draft about Collateral." in content.split('class="ai-draft"')[1]
    assert "AI draft about" not in textarea(content)


def test_a_draft_is_escaped_on_the_review_form_page(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text='Great. <script>alert("x")</script>')
    html_answers = (
        form_page(member_client, rated),
        member_client.get(status_url(rated), {"on": "review-form"}).json()["html"],
    )
    for html in html_answers:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_discarding_on_the_review_form_page_without_javascript_comes_back_to_it(member_client, user, rated):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="Draft to throw away.")
    discard = reverse("recommender:ai_discard", kwargs={"slug": rated.slug, "panel": "review-draft"})
    response = member_client.post(discard, {"on": "review-form"})
    assert response["Location"] == f"{form_url(rated)}#ai-review-draft"
    assert not GeneratedText.objects.exists()
    content = form_page(member_client, rated)
    assert "Draft to throw away" not in content and "Draft my review" in content


def test_an_unknown_page_to_come_back_to_means_the_movie_page(member_client, rated, queued):
    response = member_client.post(ask_url(rated), {"on": "https://evil.example/"})
    assert response["Location"] == f"{rated.get_absolute_url()}#ai-review-draft"


def test_editing_a_posted_review_offers_no_draft(member_client, user, rated):
    review = ReviewFactory(user=user, movie=rated, body="Already said it all.")
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="A stale draft.")
    assert form_page(member_client, rated, status_code=302) == ""  # the create page sends to edit
    response = member_client.get(reverse("reviews:edit", kwargs={"pk": review.pk}))
    content = response.content.decode()
    assert "Already said it all." in content
    assert "A stale draft." not in content and "Draft my review" not in content and "js/ai.js" not in content


def test_the_review_form_page_query_count_stays_bounded_with_the_draft(
    member_client, user, rated, django_assert_max_num_queries
):
    make_text(user, rated, DRAFT, GeneratedText.Status.READY, text="A draft.")
    # 9 = the page's 7 plus the navigation's "is this member in a studio?" check, which
    # runs once a minute per member (cached) and so counts here on a cold cache, and its
    # unread notifications count.
    with django_assert_max_num_queries(9):
        content = form_page(member_client, rated)
    assert "A draft." in content
