"""Slow tasks have a queue of their own, so quick ones never wait behind text generation, and
bulk work a third one, so a member's own request never waits behind a backfill."""

import pytest
from django.conf import settings

from community.celery import app as celery_app

# what a member asked for or is looking at: drafts, questions, explanations, Ask's answers
SLOW = [
    "recommender.tasks.generation.generated_text_produce",
    "recommender.insight.tasks.film_insight_refresh_task",
    "recommender.ask.tasks.ask_turn_complete",
]
# backfills over every review or film, every film's generated texts, retraining, model preparation
BULK = [
    "recommender.insight.tasks.audience_summary_refresh_task",
    "recommender.notes.tasks.movie_notes_refresh_task",
    "recommender.audiences.tasks.audiences_refresh_task",
    "recommender.prepare_models",
    "recommender.sentiment_quick",
    "recommender.tasks.analysis.analyse_reviews_batch",
    "recommender.tasks.recommendations.recommender_retrain",
    "recommender.tasks.recommendations.recommender_upgrade_content",
    "recommender.tasks.recommendations.recommendations_refresh_many",
    "recommender.insight.tasks.film_insights_refresh_all",
    "recommender.insight.tasks.film_insights_refresh_many",
    "recommender.similar.tasks.similar_nightly",
    "recommender.notes.tasks.movie_notes_refresh_due",
]
QUICK = [
    "recommender.tasks.recommendations.recommendations_refresh",
    "recommender.tasks.analysis.analyse_review",
    "recommender.tasks.analysis.taste_profile_refresh",
    "recommender.tasks.generation.explanations_refresh",
    "community.movies.refresh_movie_stats",
]


def _queue(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize("name", SLOW)
def test_slow_tasks_go_to_the_slow_queue(name):
    assert _queue(name) == settings.CELERY_SLOW_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.parametrize("name", BULK)
def test_bulk_tasks_go_to_the_bulk_queue(name):
    assert _queue(name) == settings.CELERY_BULK_QUEUE
    assert settings.CELERY_BULK_QUEUE not in (settings.CELERY_SLOW_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE)


def test_a_draft_queued_by_a_member_never_lands_on_the_bulk_queue():
    from recommender.tasks.generation import generated_text_produce

    assert _queue(generated_text_produce.name) != settings.CELERY_BULK_QUEUE


@pytest.mark.django_db
def test_the_backfill_of_every_review_sends_its_batches_to_the_bulk_queue(monkeypatch):
    """queue_backfill (analyse_reviews --queue, and the first start's critic reviews after the
    sentiment model is ready) publishes through the routes: its batches reach the bulk queue."""
    from recommender.tasks.analysis import queue_backfill
    from tests.factories import ReviewFactory

    sent = []
    monkeypatch.setattr(
        celery_app.amqp,
        "send_task_message",
        lambda producer, name, message, **options: sent.append((name, options["queue"].name)),
    )
    ReviewFactory.create_batch(3)
    assert queue_backfill(model_version="test-version", batch=2) == 3
    assert sent == [("recommender.tasks.analysis.analyse_reviews_batch", settings.CELERY_BULK_QUEUE)] * 2


@pytest.mark.parametrize("name", QUICK)
def test_quick_tasks_stay_on_the_default_queue(name):
    assert _queue(name) == settings.CELERY_TASK_DEFAULT_QUEUE


def test_every_routed_task_exists():
    celery_app.loader.import_default_modules()
    assert set(settings.CELERY_TASK_ROUTES) <= set(celery_app.tasks)
