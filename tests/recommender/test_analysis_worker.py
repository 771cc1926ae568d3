"""Review analysis through a real Celery worker with the real (tiny fine-tuned) MiniLM model,
including a worker killed in the middle of a backfill."""

import contextlib
import signal
import time
import uuid
from pathlib import Path

import psutil
import pytest
from django.db.models import Count

from community.celery import app as celery_app
from recommender.models import ReviewAnalysis
from tests.factories import ReviewFactory
from tests.integration.conftest import LiveWorker, start_worker, stop_worker, wait_for

from .llm.tiny import make_tiny_cache

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BODIES = [
    "The acting was superb and the story moving, a film I will watch again and again.",
    "Dull, far too long, and the plot made no sense. The music was the only good thing.",
    "Beautiful cinematography but the characters were thin and the pacing dragged badly.",
    "Funny, warm and clever; the cast clearly had a great time making it.",
]


@pytest.fixture(scope="session")
def tiny_cache(tmp_path_factory) -> Path:
    return make_tiny_cache(tmp_path_factory.mktemp("worker-cache"))


def _start(tmp_path: Path, queue: str, cache: Path, name: str) -> LiveWorker:
    return start_worker(
        tmp_path,
        queue=queue,
        name=name,
        extra_env={
            "CINECIRCLE_CACHE_DIR": str(cache),
            "LLM_BACKEND": "real",
            "TORCH_THREADS": "1",
            # an unacknowledged task of a dead worker comes back after this many seconds
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "CELERY_RESTORE_INTERVAL": "1",
        },
    )


def _kill_hard(worker: LiveWorker) -> None:
    """SIGKILL the worker and its pool children: no chance to ack, requeue or clean up."""
    parent = psutil.Process(worker.process.pid)
    for proc in [*parent.children(recursive=True), parent]:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=10)


def test_a_saved_review_is_analysed_by_a_real_worker_with_the_real_model(tmp_path, tiny_cache):
    review = ReviewFactory(body=BODIES[0])
    worker = _start(tmp_path, f"test-{uuid.uuid4().hex[:12]}", tiny_cache, "one")
    try:
        celery_app.send_task(
            "recommender.tasks.analysis.analyse_review", args=[review.pk], queue=worker.queue
        )
        analysis = wait_for(
            lambda: ReviewAnalysis.objects.filter(review=review).first(), timeout=120, worker=worker
        )
    finally:
        stop_worker(worker)
    assert analysis.model_version.startswith("minilm-sentiment-")
    assert {a["aspect"] for a in analysis.aspects} >= {"acting", "story"}


def test_a_worker_killed_mid_backfill_leaves_every_review_analysed_exactly_once(tmp_path, tiny_cache):
    # A batch of 200 analyses, killed with SIGKILL part way (the worker-kill drill).
    reviews = [ReviewFactory(body=BODIES[i % len(BODIES)] * 3) for i in range(200)]
    ids = [r.pk for r in reviews]
    queue = f"test-{uuid.uuid4().hex[:12]}"
    first = _start(tmp_path, queue, tiny_cache, "first")
    for start in range(0, len(ids), 6):
        celery_app.send_task(
            "recommender.tasks.analysis.analyse_reviews_batch", args=[ids[start : start + 6]], queue=queue
        )
    try:
        wait_for(lambda: ReviewAnalysis.objects.exists(), timeout=120, interval=0.05, worker=first)
    finally:
        _kill_hard(first)
    done_before_restart = ReviewAnalysis.objects.count()
    assert done_before_restart < len(ids), "the worker finished before it could be killed"

    second = _start(tmp_path, queue, tiny_cache, "second")
    try:
        wait_for(lambda: ReviewAnalysis.objects.count() == len(ids), timeout=400, worker=second)
        time.sleep(2)  # a duplicate delivery would show up now
    finally:
        stop_worker(second)

    per_review = ReviewAnalysis.objects.values("review").annotate(n=Count("id"))
    assert len(per_review) == len(ids)
    assert {row["n"] for row in per_review} == {1}
