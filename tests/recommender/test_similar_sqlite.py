"""Similar reviews and related threads on SQLite, the README's first `runsite` (no DATABASE_URL).

The suite runs on PostgreSQL, so the last test runs this file again on a SQLite database in a
subprocess; the first-start drill found these features failing there (docs/production.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from community.reviews.similar import similar_reviews
from recommender.similar import selectors, services, tasks
from recommender.similar.models import ReviewVector
from tests.factories import ReviewFactory, ThreadFactory

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

HEIST = "A slick heist thriller: the bank robbery crew, the vault, the getaway car chase."
HEIST_TOO = "Another heist thriller with a robbery crew cracking a vault and a getaway chase."
ROMANCE = "A gentle romance about two letters, a bakery and a wedding in spring."


def _shown(review):
    return [item.review for item in similar_reviews([review]).get(review.pk, [])]


@pytest.mark.skipif(not ON_SQLITE, reason="run on SQLite by the test below")
@pytest.mark.django_db
@pytest.mark.usefixtures("fake_models")
def test_on_sqlite_reviews_and_threads_get_their_neighbours_and_suggestions(monkeypatch):
    from community.reviews.services import review_update

    # Full lists of one, so that the change below is found by lists_holding's SQLite fallback.
    monkeypatch.setattr(services, "NEIGHBOURS_KEPT", 1)
    source, close = ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO)
    for review in (source, close):
        assert tasks.review_vector_refresh_task(review.pk) != "gone"
    assert ReviewVector.objects.get(review=source).neighbour_ids == [close.pk]
    assert _shown(source) == [close] and _shown(close) == [source]

    review_update(review=close, user=close.user, body=ROMANCE, has_spoilers=False)
    tasks.review_vector_refresh_task(close.pk)
    assert ReviewVector.objects.get(review=source).neighbour_scores[0] < selectors.MIN_SIMILARITY
    assert _shown(source) == []

    thread = ThreadFactory(title="The vault heist", body="How did the robbery crew open the vault?")
    related = ThreadFactory(title="Heist logistics", body="The robbery crew and the vault: plausible?")
    for each in (thread, related):
        tasks.thread_vector_refresh_task(each.pk)
    assert [item.thread for item in selectors.related_threads(thread)] == [related]

    kept = dict(ReviewVector.objects.values_list("review_id", "neighbour_ids"))
    ReviewVector.objects.update(neighbour_ids=[], neighbour_scores=[], floor=-1)
    assert services.neighbours_rebuild(kind=services.REVIEWS) == 2
    assert dict(ReviewVector.objects.values_list("review_id", "neighbour_ids")) == kept


@pytest.mark.skipif(ON_SQLITE, reason="this is the SQLite run")
def test_similar_reviews_and_related_threads_work_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", __file__],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "1 passed, 1 skipped" in run.stdout
