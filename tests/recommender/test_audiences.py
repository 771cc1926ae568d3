""" "What audiences say": counts, the task, the due rule, the page, the point pages and the API
(the scripted generator; the real one in tests/recommender/llm/test_audiences_real.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community.moderation.services import content_hide
from recommender.audiences import facts as audience_facts
from recommender.audiences import services, tasks
from recommender.audiences.models import AudienceNote
from recommender.llm import generation
from recommender.llm.generation import FakeBackend
from recommender.models import ReviewAnalysis
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

PRAISE = "The acting is wonderful from the first scene to the last."
BLAME = "The pacing drags badly through the whole middle hour."
SPOILER = "The acting of the twin who dies at the end is heartbreaking."


def analysed(movie, body, label, aspects, *, spoilers=False):
    review = ReviewFactory(movie=movie, body=body, has_spoilers=spoilers)
    ReviewAnalysis.objects.create(
        review=review,
        label=label,
        score=0.8 if label == "positive" else -0.8,
        confidence=0.9,
        aspects=[
            {"aspect": a, "sentiment": s, "score": 0.9 if s == "positive" else -0.9, "sentence": sentence}
            for a, s, sentence in aspects
        ],
        text_hash="0" * 64,
        model_name="test",
        model_version="1",
        analysed_at=timezone.now(),
    )
    return review


def praising(movie, n, **kw):
    return [
        analysed(movie, f"{PRAISE} Review {i}.", "positive", [("acting", "positive", PRAISE)], **kw)
        for i in range(n)
    ]


def blaming(movie, n, **kw):
    return [
        analysed(movie, f"{BLAME} Review {i}.", "negative", [("pacing", "negative", BLAME)], **kw)
        for i in range(n)
    ]


@pytest.fixture
def keeper():
    return MovieFactory(title="The Keeper", year=2001)


def good_text(n_praise=4, n_blame=3, total=7):
    return (
        f"{n_praise} of the {total} reviews of The Keeper praise the acting from the first scene on. "
        f"{n_blame} of the {total} reviews criticise the pacing of its long middle."
    )


@pytest.fixture
def backend(fake_models, monkeypatch):
    fake = FakeBackend([good_text()])
    monkeypatch.setattr(generation, "get_backend", lambda choice=None: fake)
    return fake


@pytest.fixture
def film(keeper):
    praising(keeper, 4)
    blaming(keeper, 3)
    return keeper


def test_the_counts_are_per_review_and_the_quotes_verbatim_from_counted_reviews(film):
    variant = audience_facts.film_variants(film)["spoiler_free"]
    audience = variant.facts.audience
    assert (audience.analysed, audience.positive, audience.negative) == (7, 4, 3)
    acting, pacing = audience.aspects
    assert (acting.aspect, acting.reviewers, acting.praising, acting.criticising) == ("acting", 4, 4, 0)
    assert (pacing.aspect, pacing.reviewers, pacing.praising, pacing.criticising) == ("pacing", 3, 0, 3)
    assert audience.most_praised == "acting" and audience.most_criticised == "pacing"
    assert [q["text"] for q in variant.quotes] == [PRAISE, BLAME]
    assert all(q["review_id"] in variant.review_ids for q in variant.quotes)


def test_the_task_writes_the_text_with_its_points_and_model(film, backend):
    assert tasks.audiences_refresh_task.apply(args=[film.pk]).get() == "spoiler_free shown"
    row = AudienceNote.objects.get(movie=film)
    assert row.text == good_text() and row.model_name == "fake" and row.passed_first and row.support_checked
    assert [p["point"] for s in row.sentences for p in s["points"]] == ["acting", "pacing"]
    assert row.analysed_count == 7 and row.data_until is not None
    # a second run with the same counts runs no model
    assert services.audiences_refresh(movie_id=film.pk) == {"spoiler_free": "unchanged"}
    assert len(backend.calls) == 1


def test_the_page_shows_it_above_the_reviews_with_links_quotes_and_label(film, backend, client):
    services.audiences_refresh(movie_id=film.pk)
    page = client.get(film.get_absolute_url()).content.decode()
    assert 'id="audiences-h"' in page and page.index("audiences-h") < page.index('id="reviews-h"')
    assert "AI-generated" in page and "Written by fake" in page and "analyses of 7 reviews" in page
    assert (
        f"/movies/{film.slug}/audiences/acting/" in page and f"/movies/{film.slug}/audiences/pacing/" in page
    )
    assert PRAISE in page and "Counting the reviews marked as spoilers" not in page


def test_a_film_with_fewer_than_five_reviews_has_no_box_and_no_model_run(keeper, backend, client):
    praising(keeper, 4)
    assert services.audiences_refresh(movie_id=keeper.pk) == {}
    assert not backend.calls and not AudienceNote.objects.exists()
    assert 'id="audiences-h"' not in client.get(keeper.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/movies/{keeper.pk}/audiences/").json() == {"audiences": None}


def test_a_text_failing_twice_is_recorded_and_nothing_is_shown(film, backend, client):
    backend.responses = [good_text(n_praise=9)]
    assert services.audiences_refresh(movie_id=film.pk) == {"spoiler_free": "failed"}
    row = AudienceNote.objects.get(movie=film)
    assert row.text == "" and row.attempts == 2 and "number not in the facts: 9" in row.failures[0][0]
    assert 'id="audiences-h"' not in client.get(film.get_absolute_url()).content.decode()
    assert not services.audiences_due(movie_id=film.pk)  # not again until the counts change enough


def test_a_hidden_review_stops_the_text_at_once_and_makes_it_due(film, backend, client):
    services.audiences_refresh(movie_id=film.pk)
    staff = UserFactory(is_staff=True)
    hidden = film.reviews.filter(body__startswith=PRAISE).first()
    content_hide(staff=staff, target=hidden, reason="abuse")
    assert 'id="audiences-h"' not in client.get(film.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/movies/{film.pk}/audiences/").json() == {"audiences": None}
    assert services.audiences_due(movie_id=film.pk)
    backend.responses = [good_text(n_praise=3, total=6)]
    services.audiences_refresh(movie_id=film.pk)
    row = AudienceNote.objects.get(movie=film)
    assert hidden.pk not in row.review_ids and row.analysed_count == 6
    assert "3 of the 6 reviews" in client.get(film.get_absolute_url()).content.decode()


def test_reviews_of_a_deleted_account_stop_the_text(film, backend):
    from community.accounts.services import account_delete

    services.audiences_refresh(movie_id=film.pk)
    quoted = AudienceNote.objects.get(movie=film).quotes[0]["review_id"]
    from community.reviews.models import Review

    account_delete(user=Review.objects.get(pk=quoted).user)
    from recommender.audiences.selectors import audiences_shown

    assert audiences_shown(movie=film)["spoiler_free"] is None
    assert services.audiences_due(movie_id=film.pk)


def test_the_due_rule_is_five_reviews_or_ten_percent(keeper, backend):
    praising(keeper, 20)
    blaming(keeper, 10)
    backend.responses = [good_text(20, 10, 30)]
    assert services.audiences_refresh(movie_id=keeper.pk) == {"spoiler_free": "shown"}
    praising(keeper, 2)
    assert not services.audiences_due(movie_id=keeper.pk)  # 2 of 30: under 10% and under 5
    praising(keeper, 1)
    assert services.audiences_due(movie_id=keeper.pk)  # 3 of 30


def test_spoiler_reviews_make_a_second_variant_picked_per_reader(film, backend, client):
    analysed(film, f"{SPOILER} Truly.", "positive", [("acting", "positive", SPOILER)], spoilers=True)
    backend.responses = lambda messages: (
        good_text(n_praise=5, total=8) if "Reviews counted: 8" in messages[-1]["content"] else good_text()
    )
    assert services.audiences_refresh(movie_id=film.pk) == {"spoiler_free": "shown", "with_spoilers": "shown"}
    free = AudienceNote.objects.get(movie=film, variant="spoiler_free")
    full = AudienceNote.objects.get(movie=film, variant="with_spoilers")
    assert free.analysed_count == 7 and full.analysed_count == 8
    assert all(q["text"] != SPOILER for q in free.quotes)
    api = client.get(f"/api/v1/movies/{film.pk}/audiences/").json()["audiences"]
    assert api["variant"] == "spoiler_free" and api["reviews"] == 7 and not api["spoilers_included"]
    api = client.get(f"/api/v1/movies/{film.pk}/audiences/?spoilers=true").json()["audiences"]
    assert api["variant"] == "with_spoilers" and "5 of the 8 reviews" in api["text"]
    assert api["sentences"][0]["points"][0]["url"].endswith("/audiences/acting/?spoilers=1")
    page = client.get(film.get_absolute_url()).content.decode()
    # the spoiler-free text is shown, the other behind "Show it" as spoiler reviews are
    assert page.index("4 of the 7 reviews") < page.index("Counting the reviews marked as spoilers")
    assert page.index("Counting the reviews marked as spoilers") < page.index("5 of the 8 reviews")


def test_marking_a_counted_review_as_spoiler_stops_the_spoiler_free_text(film, backend):
    services.audiences_refresh(movie_id=film.pk)
    film.reviews.filter(body__startswith=BLAME).update(has_spoilers=True)
    from recommender.audiences.selectors import audiences_shown

    assert audiences_shown(movie=film)["spoiler_free"] is None


def test_the_point_page_lists_the_visible_reviews_behind_it(film, client):
    spoiler = analysed(film, f"{SPOILER} Yes.", "positive", [("acting", "positive", SPOILER)], spoilers=True)
    hidden = film.reviews.filter(body__startswith=PRAISE).first()
    content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="abuse")
    page = client.get(f"/movies/{film.slug}/audiences/acting/").content.decode()
    assert 'Reviews on the acting <span class="muted">(3)</span>' in page
    assert f'id="review-{hidden.pk}"' not in page and f'id="review-{spoiler.pk}"' not in page
    with_spoilers = client.get(f"/movies/{film.slug}/audiences/acting/?spoilers=1").content.decode()
    assert f'id="review-{spoiler.pk}"' in with_spoilers and "This review contains spoilers" in with_spoilers
    pacing = film.reviews.filter(body__startswith=BLAME).last()
    quoted = client.get(f"/movies/{film.slug}/audiences/pacing/?review={pacing.pk}").content.decode()
    assert quoted.index(f'id="review-{pacing.pk}"') < quoted.index('id="review-', quoted.index("Quoted"))
    assert client.get(f"/movies/{film.slug}/audiences/negative/").status_code == 200
    assert client.get(f"/movies/{film.slug}/audiences/nothing/").status_code == 404


def test_the_movie_page_reads_it_in_two_queries_whatever_the_reviews(
    film, backend, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.audiences_refresh(movie_id=film.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(film.get_absolute_url())
    praising(film, 20)
    backend.responses = [good_text(24, 3, 27)]
    services.audiences_refresh(movie_id=film.pk, force=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(film.get_absolute_url())
    assert b'id="audiences-h"' in page.content
    audiences_queries = [q for q in few.captured_queries if "audience" in q["sql"]]
    assert len(audiences_queries) == 1  # plus one over the counted reviews


def test_the_insight_task_queues_the_writing_when_due(film, backend, monkeypatch):
    from recommender.insight import tasks as insight_tasks

    queued = []
    monkeypatch.setattr(tasks.audiences_refresh_task, "delay", lambda movie_id: queued.append(movie_id))
    insight_tasks.film_insight_refresh_task.apply(args=[film.pk])
    assert queued == [film.pk]
    services.audiences_refresh(movie_id=film.pk)
    queued.clear()
    insight_tasks.film_insight_refresh_task.apply(args=[film.pk])
    assert queued == []
    assert services.audiences_queue_due() == 0
