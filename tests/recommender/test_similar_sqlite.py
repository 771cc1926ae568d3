"""Similar reviews and related threads on SQLite, the README's first `runsite` (no DATABASE_URL).

The suite runs on PostgreSQL, so the last test runs this file again on a SQLite database in a
subprocess; the first-start drill found these features failing there (docs/production.md).
"""

from __future__ import annotations

import pytest

from community.reviews.similar import similar_reviews
from recommender.similar import selectors, services, tasks
from recommender.similar.models import ReviewVector
from tests.factories import ReviewFactory, ThreadFactory
from tests.on_sqlite import assert_passes_on_sqlite, not_on_sqlite, only_on_sqlite

HEIST = "A slick heist thriller: the bank robbery crew, the vault, the getaway car chase."
HEIST_TOO = "Another heist thriller with a robbery crew cracking a vault and a getaway chase."
ROMANCE = "A gentle romance about two letters, a bakery and a wedding in spring."


def _shown(review):
    return [item.review for item in similar_reviews([review]).get(review.pk, [])]


@only_on_sqlite
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


@not_on_sqlite
def test_similar_reviews_and_related_threads_work_on_sqlite(tmp_path):
    assert_passes_on_sqlite(__file__, tmp_path)
