"""Download my data holds everything the site keeps about the member, and nothing of anyone's keys."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community.core import exports
from community.studios.models import Studio, StudioMembership
from recommender.models import (
    GeneratedText,
    Recommendation,
    RecommendationFeedback,
    ReviewAnalysis,
    TasteProfile,
)
from tests.factories import TEST_PASSWORD, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _models_pointing_at_the_user() -> dict[str, list[str]]:
    """{model label: its fields that are a foreign key, one-to-one or many-to-many to the user}."""
    user_model = get_user_model()
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields(include_hidden=True):
            if field.auto_created and not field.concrete:
                continue  # the reverse side of someone else's relation
            if isinstance(field, models.ForeignKey | models.ManyToManyField) and (
                field.related_model is user_model
            ):
                found.setdefault(model._meta.label, []).append(field.name)
    return found


def test_every_model_pointing_at_the_user_is_exported_or_deliberately_excluded():
    pointing = _models_pointing_at_the_user()
    exported, excluded = exports.exported_models(), exports.excluded_models()
    assert "reviews.Rating" in pointing and "studios.Studio" in pointing  # the walk sees FKs and m2m
    forgotten = {
        label: fields for label, fields in pointing.items() if label not in exported and label not in excluded
    }
    assert not forgotten, (
        f"{forgotten} point at the user but are neither exported nor excluded: add a section with "
        "community.core.exports.section_register(models=[...]) or model_exclude(label, reason=...)"
    )
    assert all(reason.strip() for reason in excluded.values())
    assert not set(exported) & set(excluded)


def _derived_world(member):
    now = timezone.now()
    movie = MovieFactory(title="Heat", slug="heat")
    review = ReviewFactory(user=member, movie=movie, body="Tense and long.")
    ReviewAnalysis.objects.create(
        review=review,
        label="positive",
        score=0.7,
        confidence=0.9,
        aspects=[{"aspect": "pacing", "sentiment": "negative", "score": -0.4, "sentence": "long"}],
        text_hash="0" * 64,
        model_name="sentiment",
        model_version="s1",
        analysed_at=now,
    )
    TasteProfile.objects.create(
        user=member, preferences={"genres": {"Crime": 0.8}}, summary="Loves heists.", updated_at=now
    )
    GeneratedText.objects.create(
        kind=GeneratedText.Kind.EXPLANATION,
        user=member,
        movie=movie,
        status=GeneratedText.Status.READY,
        text="You like Michael Mann.",
        model_name="gen",
        model_version="g1",
        created_at=now,
        updated_at=now,
    )
    Recommendation.objects.create(
        user=member,
        movie=movie,
        row=Recommendation.Row.TOP_PICKS,
        rank=1,
        score=1.5,
        reason="Because you like Crime movies",
        model_version="r1",
        created_at=now,
    )
    RecommendationFeedback.objects.create(
        user=member, movie=MovieFactory(), kind=RecommendationFeedback.Kind.NOT_INTERESTED, created_at=now
    )
    studio = Studio.objects.create(name="Forward Pictures", slug="forward")
    StudioMembership.objects.create(studio=studio, user=member, role=StudioMembership.Role.OWNER)
    issued = APIClient().post(
        "/api/v1/auth/token/", {"username": member.username, "password": TEST_PASSWORD}, format="json"
    )
    assert issued.status_code in (200, 201)
    return issued.json()["token"]


def test_the_download_holds_what_the_models_derived_studios_and_token_metadata_but_never_a_key(client):
    member = UserFactory()
    someone_else = UserFactory()
    key = _derived_world(member)
    TasteProfile.objects.create(user=someone_else, summary="Not mine.", updated_at=timezone.now())
    client.force_login(member)

    response = client.post(reverse("accounts:export"))

    assert response.status_code == 200
    text = response.content.decode()
    data = json.loads(text)
    assert data["taste_profile"]["summary"] == "Loves heists."
    assert data["taste_profile"]["preferences"] == {"genres": {"Crime": 0.8}}
    assert [(a["movie_slug"], a["label"], a["model_version"]) for a in data["review_analyses"]] == [
        ("heat", "positive", "s1")
    ]
    assert [(t["kind"], t["text"]) for t in data["generated_texts"]] == [
        ("explanation", "You like Michael Mann.")
    ]
    assert [(r["movie"], r["reason"]) for r in data["recommendations"]] == [
        ("Heat", "Because you like Crime movies")
    ]
    assert [f["kind"] for f in data["recommendation_feedback"]] == ["not_interested"]
    assert data["studio_memberships"] == [
        {"studio": "Forward Pictures", "studio_slug": "forward", "role": "owner"}
    ]
    assert len(data["api_tokens"]) == 1 and data["api_tokens"][0]["created_at"]
    assert key not in text and key[:8] not in text
    assert "Not mine." not in text


def test_a_member_without_derived_data_gets_empty_sections():
    from community.accounts.services import account_export

    data = account_export(user=UserFactory())
    assert data["taste_profile"] is None
    assert data["generated_texts"] == data["recommendations"] == data["api_tokens"] == []
    json.dumps(data)  # JSON-ready as it is
