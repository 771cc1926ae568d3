"""The studio console's AI audience summary: facts, checks, retry and template, task, page and API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from community.accounts.tokens import token_create
from community.studios.models import Studio, StudioMembership
from recommender.insight import services, summary, tasks
from recommender.insight.models import AudienceSummary, FilmInsight
from recommender.llm import generation, grounding, prompts
from recommender.llm.fake import FakeBackend
from recommender.models import ReviewAnalysis
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SPOILER_QUOTE = "The twist that the captain dies at the end is superb."


def _analyse(review, sentence, sentiment="positive"):
    ReviewAnalysis.objects.create(
        review=review,
        label=sentiment,
        score=0.8 if sentiment == "positive" else -0.8,
        confidence=0.8,
        aspects=[{"aspect": "acting", "sentiment": sentiment, "score": 0.8, "sentence": sentence}],
        text_hash="x",
        model_name="test",
        model_version="v1",
        analysed_at=timezone.now(),
    )


@pytest.fixture
def world(fake_models):
    """A studio film reviewed by 6 members (acting praised by all), and one reviewed by 2."""
    drama = GenreFactory(name="Drama")
    studio = Studio.objects.create(name="Alpha Pictures", slug="alpha")
    big = MovieFactory(title="Big Picture", year=1997)
    small = MovieFactory(title="Small Picture", year=2001)
    for movie in (big, small):
        movie.genres.add(drama)
    studio.movies.add(big, small)
    raters = [UserFactory(username=f"secret_member_{i}") for i in range(6)]
    for i, user in enumerate(raters):
        RatingFactory(user=user, movie=big, score=Decimal("4.0"))
        sentence = f"The acting is superb in scene {i}."
        _analyse(ReviewFactory(user=user, movie=big, body=sentence), sentence)
    for user in raters[:2]:
        RatingFactory(user=user, movie=small, score=Decimal("2.0"))
        _analyse(ReviewFactory(user=user, movie=small, body="The acting is weak."), "The acting is weak.")
    for movie in (big, small):
        services.film_insight_refresh(movie_id=movie.pk)
    analyst = UserFactory(username="analyst_a")
    StudioMembership.objects.create(studio=studio, user=analyst)
    return {"studio": studio, "big": big, "small": small, "analyst": analyst, "raters": raters}


def _facts(movie):
    insight = FilmInsight.objects.get(movie=movie)
    return summary.summary_facts(insight, movie)


GOOD = (
    "Big Picture (1997) has 6 ratings, 4.0 out of 5 on average. All 6 analysed reviews are positive, "
    'and reviewers praise the acting most: 100% of mentions are positive. One wrote "The acting is superb".'
)


def _use(monkeypatch, backend):
    monkeypatch.setattr(generation, "get_backend", lambda choice=None: backend)
    return backend


def test_the_facts_hold_figures_and_quotes_but_no_username_and_no_spoiler_quote(world):
    insight = FilmInsight.objects.get(movie=world["big"])
    acting = insight.aspects["acting"]
    acting["quotes"].insert(0, {"text": SPOILER_QUOTE, "sentiment": "positive", "spoiler": True})
    insight.save()
    facts = _facts(world["big"])
    assert facts.audience.analysed == 6 and facts.audience.ratings == 6 and facts.audience.average == 4.0
    assert facts.audience.aspects[0].aspect == "acting" and facts.audience.aspects[0].positive_pct == 100
    assert len(facts.audience.aspects[0].quotes) == 2
    prompt = json.dumps(prompts.messages_for("audience_summary", facts)) + json.dumps(
        summary.facts_to_json(facts)
    )
    assert "The acting is superb in scene" in prompt
    assert SPOILER_QUOTE not in prompt
    assert "secret_member" not in prompt and "analyst_a" not in prompt


def test_a_film_with_fewer_than_5_analysed_reviewers_gets_no_summary(world, monkeypatch):
    backend = _use(monkeypatch, FakeBackend([GOOD]))
    assert _facts(world["small"]) is None
    assert summary.audience_summary_refresh(movie_id=world["small"].pk) is None
    assert backend.calls == [] and not AudienceSummary.objects.exists()


def test_the_checks_fail_a_wrong_number_a_non_verbatim_quote_and_an_unknown_name(world):
    facts = _facts(world["big"])
    assert grounding.check_output("audience_summary", GOOD, facts).ok
    wrong_number = GOOD.replace("4.0 out of 5", "4.2 out of 5")
    reworded = GOOD.replace('"The acting is superb"', '"The acting is wonderful"')
    stranger = GOOD + " Meryl Streep steals every scene."
    assert (
        "number not in the facts: 4.2"
        in grounding.check_output("audience_summary", wrong_number, facts).problems
    )
    assert any(
        "not verbatim" in p for p in grounding.check_output("audience_summary", reworded, facts).problems
    )
    assert any(
        "Meryl Streep" in p for p in grounding.check_output("audience_summary", stranger, facts).problems
    )
    assert not grounding.check_output(
        "audience_summary", GOOD.replace("6 ratings", "seven ratings"), facts
    ).ok


def test_the_checks_fail_a_reception_the_net_sentiment_contradicts_and_a_quote_given_an_author(world):
    facts = _facts(world["big"])  # every review positive: net sentiment +1.00
    for text in (
        GOOD + " Overall it received mixed reviews.",
        GOOD + " Overall it was not well received.",
        GOOD.replace('One wrote "The acting is superb".', '"The acting is superb", says Roger Ebert.'),
    ):
        problems = grounding.check_output("audience_summary", text, facts).problems
        assert any("net sentiment" in p or "attributes" in p for p in problems), text
    assert grounding.check_output("audience_summary", GOOD + " It was well received.", facts).ok


def test_the_checks_fail_an_aspect_few_reviewers_wrote_about_or_judged_against_its_figures(world):
    facts = _facts(world["big"])  # only acting has 5+ reviewers, 100% of its mentions positive
    unfounded = GOOD + " Some found the pacing slow."
    against = GOOD + " The acting was criticised as flat."
    for text, expected in (
        (unfounded, "speaks of pacing, which fewer than 5 reviewers wrote about"),
        (against, "blames the acting"),
    ):
        problems = grounding.check_output("audience_summary", text, facts).problems
        assert any(expected in p for p in problems), (text, problems)
    # praise and blame in one sentence belong to their own clauses
    mixed = GOOD + " The acting is praised, but the film is not for everyone."
    assert grounding.check_output("audience_summary", mixed, facts).ok
    # the prompt names the aspects a summary may speak of and each one's verdict
    prompt = prompts.messages_for("audience_summary", facts)[1]["content"]
    assert "speaking only of acting" in prompt and "verdict: praised" in prompt


def test_the_template_text_passes_the_same_checks(world):
    facts = _facts(world["big"])
    text, _ = prompts.fallback_text("audience_summary", facts)
    assert "Big Picture (1997) has 6 ratings, 4.0 out of 5" in text
    assert grounding.check_output("audience_summary", text, facts).ok


def test_a_failed_first_text_gets_one_stricter_retry(world, monkeypatch):
    backend = _use(monkeypatch, FakeBackend(["Big Picture has 9 ratings and everyone loved it.", GOOD]))
    row = summary.audience_summary_refresh(movie_id=world["big"].pk)
    assert row.text == GOOD and not row.is_fallback and row.attempts == 2
    assert "number not in the facts: 9" in row.failures[0]
    assert "Copy every number exactly" in backend.calls[1][0]["content"]


def test_two_failed_texts_store_the_template_text(world, monkeypatch):
    _use(monkeypatch, FakeBackend(['Big Picture has 9 ratings; one said "a triumph".']))
    row = summary.audience_summary_refresh(movie_id=world["big"].pk)
    assert row.is_fallback and row.attempts == 2 and len(row.failures) == 2
    assert row.text == prompts.fallback_text("audience_summary", _facts(world["big"]))[0]
    assert row.model_name == "fake" and row.analysed_count == 6
    assert row.data_until == FilmInsight.objects.get(movie=world["big"]).data_until


def test_the_task_is_safe_to_run_twice_and_skips_unchanged_figures(world, monkeypatch):
    backend = _use(monkeypatch, FakeBackend([GOOD]))
    assert tasks.audience_summary_refresh_task(world["big"].pk) == "model"
    first = AudienceSummary.objects.get(movie=world["big"])
    assert tasks.audience_summary_refresh_task(world["big"].pk) == "model"
    assert len(backend.calls) == 1
    assert AudienceSummary.objects.get(movie=world["big"]).generated_at == first.generated_at
    assert tasks.audience_summary_refresh_task(world["small"].pk) == "none"


def test_the_insight_refresh_queues_the_summary_when_enough_reviews_arrived(world, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.audience_summary_refresh_task, "delay", queued.append)
    tasks.film_insight_refresh_task(world["big"].pk)  # no summary yet
    tasks.film_insight_refresh_task(world["small"].pk)  # too few reviewers: nothing to write
    assert queued == [world["big"].pk]
    AudienceSummary.objects.create(movie=world["big"], text=GOOD, analysed_count=100)
    FilmInsight.objects.filter(movie=world["big"]).update(analysed_count=104)
    assert not summary.audience_summary_due(movie_id=world["big"].pk)
    FilmInsight.objects.filter(movie=world["big"]).update(analysed_count=105)
    assert summary.audience_summary_due(movie_id=world["big"].pk)


def test_page_and_api_show_the_same_labelled_text(world, client, monkeypatch):
    _use(monkeypatch, FakeBackend([GOOD]))
    summary.audience_summary_refresh(movie_id=world["big"].pk)
    AudienceSummary.objects.filter(movie=world["big"]).update(model_name="qwen-1.5b <b>")
    client.force_login(world["analyst"])
    page = client.get(f"/studio/alpha/films/{world['big'].pk}/").content.decode()
    token = token_create(user=world["analyst"], name="t")[1]
    api = client.get(
        f"/api/v1/studios/alpha/films/{world['big'].pk}/insight/", HTTP_AUTHORIZATION=f"Token {token}"
    ).json()["audience_summary"]
    assert api["state"] == "ready" and api["text"] == GOOD and api["is_fallback"] is False
    assert "One wrote &quot;The acting is superb&quot;." in page
    assert "AI-generated" in page and "qwen-1.5b &lt;b&gt;" in page
    assert "Written from the figures up to" in page
    small = client.get(f"/studio/alpha/films/{world['small'].pk}/").content.decode()
    assert "fewer than 5 members" in small


def test_a_summary_quoting_a_review_no_longer_quoted_is_replaced_by_the_template(world, monkeypatch):
    _use(monkeypatch, FakeBackend([GOOD]))
    summary.audience_summary_refresh(movie_id=world["big"].pk)
    insight = FilmInsight.objects.get(movie=world["big"])
    insight.aspects["acting"]["quotes"] = []  # e.g. the quoted reviews were hidden by moderators
    insight.save()
    shown = summary.audience_summary_shown(movie=world["big"], insight=insight)
    assert shown["is_fallback"] and "superb" not in shown["text"]
    assert summary.audience_summary_due(movie_id=world["big"].pk)


def test_the_daily_pass_queues_the_summaries_that_are_due_and_no_others(world, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.audience_summary_refresh_task, "delay", queued.append)
    tasks.film_insights_refresh_all()
    assert queued == [world["big"].pk]  # the small film has too few reviewers for one
    AudienceSummary.objects.create(movie=world["big"], text=GOOD, analysed_count=6)
    queued.clear()
    tasks.film_insights_refresh_all()
    assert queued == []  # written from the same figures: nothing to do
