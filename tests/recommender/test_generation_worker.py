"""A review draft written by the real packaged Qwen model in a real Celery worker."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from community.celery import app as celery_app
from community.core.wheels import cache_dir
from recommender.models import GeneratedText
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_requested_review_draft_is_written_by_qwen_in_a_real_worker(tmp_path):
    user = UserFactory()
    heat = MovieFactory(title="Heat", year=1995, director_names="Michael Mann")
    movie = MovieFactory(
        title="Collateral", year=2004, director_names="Michael Mann", cast_names="Tom Cruise, Jamie Foxx"
    )
    RatingFactory(user=user, movie=heat, score=Decimal("5.0"))
    ReviewFactory(user=user, movie=heat, body="Tense, stylish and superbly acted.")
    RatingFactory(user=user, movie=movie, score=Decimal("4.0"))
    now = timezone.now()
    row = GeneratedText.objects.create(
        kind=GeneratedText.Kind.REVIEW_DRAFT,
        user=user,
        movie=movie,
        task_id=uuid.uuid4().hex,
        created_at=now,
        updated_at=now,
    )
    worker = start_worker(
        tmp_path,
        extra_env={
            "LLM_BACKEND": "real",
            "LLM_MODEL": "qwen-0.5b",
            "LLM_MAX_NEW_TOKENS": "48",  # a few seconds of decoding is enough to prove the path
            "CINECIRCLE_CACHE_DIR": str(cache_dir()),
        },
    )
    try:
        celery_app.send_task(
            "recommender.tasks.generation.generated_text_produce",
            args=[row.pk],
            task_id=row.task_id,
            queue=worker.queue,
        )
        done = wait_for(
            lambda: GeneratedText.objects.filter(pk=row.pk, status=GeneratedText.Status.READY).first(),
            timeout=600,
            interval=1,
            worker=worker,
        )
    finally:
        stop_worker(worker)
    assert done.model_name == "qwen-0.5b"
    assert done.model_version.startswith("qwen2.5-coder-0.5b-instruct-q4_k_m@")
    assert done.text.strip()
    assert "checks" in done.payload  # attempts and problems are kept for the benchmark and debugging
