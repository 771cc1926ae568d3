"""Slow tasks have a queue of their own, so quick ones never wait behind text generation."""

import pytest
from django.conf import settings

from community.celery import app as celery_app

SLOW = [
    "recommender.tasks.generation.generated_text_produce",
    "recommender.prepare_models",
    "recommender.tasks.analysis.analyse_reviews_batch",
    "recommender.tasks.recommendations.recommender_retrain",
    "recommender.tasks.recommendations.recommendations_refresh_many",
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


@pytest.mark.parametrize("name", QUICK)
def test_quick_tasks_stay_on_the_default_queue(name):
    assert _queue(name) == settings.CELERY_TASK_DEFAULT_QUEUE


def test_every_routed_task_exists():
    celery_app.loader.import_default_modules()
    assert set(settings.CELERY_TASK_ROUTES) <= set(celery_app.tasks)
