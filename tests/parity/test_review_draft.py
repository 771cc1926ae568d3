"""Asking for an AI review draft: the movie page and the API refuse and accept alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommender.models import GeneratedText
from recommender.services import generation as generation_services
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _nothing_sent(fake_models, monkeypatch):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)


def member_with(movie, situation: str):
    member = UserFactory()
    if situation in ("rated", "reviewed", "warming_up"):
        RatingFactory(user=member, movie=movie)
    if situation == "reviewed":
        ReviewFactory(user=member, movie=movie)
    return member


@pytest.mark.parametrize(
    ("situation", "refusal", "api_status"),
    [
        ("unrated", "Rate this movie to get an AI draft.", 409),
        ("reviewed", "You have already reviewed this movie.", 409),
        (
            "warming_up",
            "AI features are being prepared on this first start. "
            "It starts once the recommender's first training is done.",
            503,
        ),
        ("rated", "", 202),
    ],
)
def test_a_draft_is_refused_or_queued_alike_on_the_page_and_in_the_api(
    web, api, monkeypatch, situation, refusal, api_status, settings
):
    movie = MovieFactory()
    on_page, in_api = member_with(movie, situation), member_with(movie, situation)
    if situation == "warming_up":
        # The real model status, over an empty model cache: nothing is prepared yet.
        settings.LLM_BACKEND = "real"

    url = reverse("recommender:ai_ask", kwargs={"slug": movie.slug, "panel": "review-draft"})
    page = web(on_page).post(url, **JSON).json()
    answer = api(in_api).post(f"/api/v1/movies/{movie.pk}/review-draft/")

    assert page["message"] == refusal
    assert answer.status_code == api_status
    if refusal:
        assert answer.json()["detail"] == refusal
        assert page["status"] == "none"
        assert not GeneratedText.objects.filter(movie=movie).exists()
    else:
        assert page["status"] == answer.json()["status"] == "pending"
        assert GeneratedText.objects.filter(movie=movie, status="pending").count() == 2
