"""The periodic sweep queues the analysis of reviews whose task never reached the broker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recommender.models import ReviewAnalysis
from recommender.services import analysis
from recommender.tasks import analysis as analysis_tasks
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _scripted_models(fake_models):
    """Every test here runs on the scripted models (the `fake_models` fixture of conftest.py)."""


@pytest.fixture
def queued(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(analysis_tasks.analyse_review, "delay", sent.append)
    return sent


def _review(*, minutes_ago: float, body: str = "A fine film."):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return ReviewFactory(body=body, created_at=at, updated_at=at)


def test_the_sweep_queues_exactly_the_reviews_left_without_an_analysis_by_the_current_model(queued):
    lost, stale = _review(minutes_ago=30), _review(minutes_ago=20)
    done = _review(minutes_ago=40)
    just_posted = _review(minutes_ago=1)  # its own task is probably still in the queue
    analysis.review_analyse(review_id=done.pk)
    analysis.review_analyse(review_id=stale.pk)
    ReviewAnalysis.objects.filter(review=stale).update(model_version="old-version")

    assert analysis_tasks.unanalysed_reviews_sweep.run() == 2
    assert sorted(queued) == sorted([lost.pk, stale.pk])
    assert just_posted.pk not in queued and done.pk not in queued


def test_the_sweep_is_bounded_newest_first_and_does_not_queue_the_same_review_twice_soon(queued):
    reviews = [_review(minutes_ago=10 + i) for i in range(5)]
    assert analysis_tasks.unanalysed_reviews_sweep.run(limit=3) == 3
    assert queued == [r.pk for r in reviews[:3]]
    # The next run, while those still wait in the queue, leaves them alone.
    assert analysis_tasks.unanalysed_reviews_sweep.run(limit=3) == 0
    assert len(queued) == 3


def test_the_sweep_waits_while_the_sentiment_model_is_not_ready(queued, monkeypatch):
    _review(minutes_ago=30)
    monkeypatch.setattr(analysis_tasks, "_model_ready", lambda: False)
    assert analysis_tasks.unanalysed_reviews_sweep.run() == 0 and queued == []


def test_the_sweep_is_on_the_beat_schedule(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "recommender.tasks.analysis.unanalysed_reviews_sweep" in entries
