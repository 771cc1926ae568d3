"""One generation budget per member covers every path that runs the language model.

Review drafts and discussion suggestions (asked on the web or through the API) and the
explanations that recommendation refreshes queue all spend the same units; explanations are
written at most once per member and movie however often the rows refresh.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from recommender.models import GeneratedText, GenerationCharge, Recommendation
from recommender.services.budget import GenerationBudgetSpent, generation_budget_charge
from recommender.tasks.generation import explanations_refresh
from recommender.tasks.recommendations import recommendations_refresh as refresh_task
from tests.api.conftest import client_for
from tests.factories import MovieFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db

GENRES = ["Crime", "Comedy", "Horror"]
EXPLANATION = GeneratedText.Kind.EXPLANATION


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the process that queues them (generations stay in `queued`)."""
    from community.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _budget(fake_models, settings):
    """The scripted models and a budget of 20 texts an hour; `world` is the shared trained one."""
    settings.GENERATION_BUDGET = "20/hour"


def spend_the_budget(api: APIClient, movies: list) -> list[int]:
    """Ask for discussion suggestions about each movie (a draft would need a rating of each,
    which would move the member's rows); the statuses the API answered."""
    return [api.post(f"/api/v1/movies/{movie.pk}/discussion-suggestions/").status_code for movie in movies]


def top_picks(user) -> list[int]:
    rows = Recommendation.objects.filter(user=user).order_by("rank", "row")
    return list(dict.fromkeys(rows.values_list("movie_id", flat=True)))


def test_rating_and_dismissing_through_the_api_runs_no_generation_once_the_budget_is_spent(
    world, eager_tasks, queued, django_capture_on_commit_callbacks
):
    member = UserFactory()
    api = client_for(member)
    unrelated = MovieFactory.create_batch(21)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = spend_the_budget(api, unrelated)
    assert statuses == [202] * 20 + [429]
    assert len(queued) == 20

    crime = world["movies"]["Crime"]
    with django_capture_on_commit_callbacks(execute=True):
        for movie in crime[:5]:
            assert (
                api.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": 5}, format="json").status_code == 200
            )
    dismissed = 0
    while dismissed < 12:
        picks = top_picks(member)
        assert picks, "the refreshes stored rows"
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                "/api/v1/me/recommendations/feedback/",
                {"movie_id": picks[0], "kind": "not_interested"},
                format="json",
            )
        assert response.status_code == 201
        dismissed += 1

    assert len(queued) == 20, "no generation ran past the spent budget"
    assert not GeneratedText.objects.filter(user=member, kind=EXPLANATION).exists()
    # The rows keep their template reasons meanwhile.
    assert all(r.reason for r in Recommendation.objects.filter(user=member))


def recommend(user, movie, rank=1):
    return Recommendation.objects.create(
        user=user,
        movie=movie,
        row=Recommendation.Row.TOP_PICKS,
        rank=rank,
        score=0.9,
        reason="Because you loved Heat",
        model_version="test-1",
        created_at=timezone.now(),
    )


def explanations_of(user) -> dict[int, str]:
    rows = GeneratedText.objects.filter(user=user, kind=EXPLANATION)
    return dict(rows.values_list("movie_id", "status"))


def test_a_refresh_that_shows_the_same_movies_again_generates_no_second_explanation(
    world, eager_tasks, queued, django_capture_on_commit_callbacks
):
    member = UserFactory()
    api = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        for movie in world["movies"]["Crime"][:3]:
            api.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": 5}, format="json")
    first = list(queued)
    assert len(first) == len(explanations_of(member)) == 6
    GeneratedText.objects.filter(user=member).update(status=GeneratedText.Status.READY, text="Why.")

    for _ in range(3):
        refresh_task.run(member.pk)

    assert queued == first
    assert set(explanations_of(member).values()) == {GeneratedText.Status.READY}


def test_a_movie_that_comes_back_to_the_rows_keeps_its_explanation(fake_models, queued):
    member = UserFactory()
    heat, thief, ronin = MovieFactory.create_batch(3)
    recommend(member, heat)
    recommend(member, thief, rank=2)
    assert explanations_refresh.run(member.pk) == 2
    GeneratedText.objects.filter(user=member).update(status=GeneratedText.Status.READY, text="Why.")

    Recommendation.objects.filter(movie=heat).delete()  # gone from the rows ...
    recommend(member, ronin)
    assert explanations_refresh.run(member.pk) == 1
    recommend(member, heat, rank=3)  # ... and back
    assert explanations_refresh.run(member.pk) == 0

    assert sorted(text_id for text_id, _ in queued) == sorted(
        GeneratedText.objects.filter(user=member).values_list("pk", flat=True)
    )


def test_explanations_the_budget_cannot_pay_for_are_generated_once_it_can(
    fake_models, queued, settings, monkeypatch
):
    settings.GENERATION_BUDGET = "4/hour"
    later: list[dict] = []
    monkeypatch.setattr(explanations_refresh, "apply_async", lambda args, countdown: later.append(countdown))
    member = UserFactory()
    movies = MovieFactory.create_batch(6)
    for rank, movie in enumerate(movies, start=1):
        recommend(member, movie, rank=rank)

    # Refreshes may spend three quarters of the budget: the last unit stays for the member.
    assert explanations_refresh.run(member.pk) == 3
    assert len(later) == 1 and 3590 <= later[0] <= 3601
    assert explanations_refresh.run(member.pk) == 0
    assert len(later) == 1, "one later run per member is planned"
    assert len(explanations_of(member)) == 3  # the other picks show their template reason

    GenerationCharge.objects.update(charged_at=timezone.now() - timedelta(hours=1))
    assert explanations_refresh.run(member.pk) == 3
    assert len(queued) == len(explanations_of(member)) == 6


def test_explanations_leave_a_quarter_of_the_budget_for_what_the_member_asks(
    fake_models, queued, settings, member_client, user, django_capture_on_commit_callbacks
):
    settings.GENERATION_BUDGET = "20/hour"
    for rank, movie in enumerate(MovieFactory.create_batch(20), start=1):
        recommend(user, movie, rank=rank)
    assert explanations_refresh.run(user.pk, limit=20) == 15

    api = client_for(user)
    asked = MovieFactory.create_batch(6)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [api.post(f"/api/v1/movies/{m.pk}/discussion-suggestions/").status_code for m in asked]
    assert statuses == [202] * 5 + [429]
    assert len(queued) == 20


def test_the_web_draft_button_and_the_api_share_one_budget(
    fake_models, queued, settings, member_client, user, django_capture_on_commit_callbacks
):
    settings.GENERATION_BUDGET = "3/hour"
    api = client_for(user)
    rated = MovieFactory.create_batch(4)
    for movie in rated:
        RatingFactory(user=user, movie=movie, score=Decimal("4.0"))

    def ask_on_the_page(movie):
        url = reverse("recommender:ai_ask", kwargs={"slug": movie.slug, "panel": "review-draft"})
        return member_client.post(url, HTTP_ACCEPT="application/json").json()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/movies/{rated[0].pk}/review-draft/").status_code == 202
        assert ask_on_the_page(rated[1])["status"] == "pending"
        assert api.post(f"/api/v1/movies/{rated[2].pk}/discussion-suggestions/").status_code == 202
        refused_on_the_page = ask_on_the_page(rated[3])
        refused_by_the_api = api.post(f"/api/v1/movies/{rated[3].pk}/review-draft/")

    assert refused_on_the_page["status"] == "none"
    assert refused_on_the_page["message"].startswith("You have used your 3 AI texts for now")
    assert refused_by_the_api.status_code == 429
    assert len(queued) == 3


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_never_both_take_the_last_unit(settings):
    """The first request holds the member's budget lock until it commits; without it, the second
    would count the charges committed so far (none) and take a unit too."""
    settings.GENERATION_BUDGET = "1/hour"
    member = UserFactory()
    movie = MovieFactory()
    first_charged, first_may_commit = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def charge(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                generation_budget_charge(
                    user_id=member.pk, kind=GeneratedText.Kind.REVIEW_DRAFT, movie_id=movie.pk
                )
                if hold:
                    first_charged.set()
                    first_may_commit.wait(10)
            outcomes[name] = "charged"
        except GenerationBudgetSpent:
            outcomes[name] = "spent"
        finally:
            connection.close()

    first = threading.Thread(target=charge, args=("first", True))
    first.start()
    assert first_charged.wait(10)
    second = threading.Thread(target=charge, args=("second", False))
    second.start()
    second.join(0.5)  # the second waits for the lock meanwhile
    first_may_commit.set()
    first.join(10)
    second.join(10)

    assert outcomes == {"first": "charged", "second": "spent"}
    assert GenerationCharge.objects.filter(user=member).count() == 1
