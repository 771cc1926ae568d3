"""The studio console's audience summary: one paragraph per film written by the language model.

Its facts come from the film's `FilmInsight` only (aggregates and unattributed, non-spoiler
quotes; no review text, no member), with the console's privacy rule applied first: nothing
counted over fewer than 5 members. The text goes through the same checked pipeline as every
generated text (`recommender.llm.generation.generate_checked`): every number must be a figure
of the facts, every quoted passage verbatim from the facts' quotes, every name in the facts;
one stricter retry, then a template text from the same facts (`is_fallback`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from community.movies.models import Movie
from recommender.insight.models import AudienceSummary, FilmInsight
from recommender.insight.services import ASPECTS, MIN_MEMBERS
from recommender.llm import grounding
from recommender.llm.prompts import AspectFacts, AudienceFacts, Facts, MovieFacts, UserFacts, fallback_text

log = logging.getLogger(__name__)

KIND = "audience_summary"
QUOTES_PER_ASPECT = 2
# A stored summary is written again once the analysed reviews changed by this much.
REWRITE_AFTER_REVIEWS = 5
REWRITE_AFTER_SHARE = 0.10
TREND_WORDS = {"up": "rising", "down": "falling", "flat": "steady"}


def summary_facts(insight: FilmInsight, movie: Movie) -> Facts | None:
    """The facts a summary may use, or None when fewer than 5 members' reviews are analysed.

    Figures over fewer than 5 members are left out, as are aspects with fewer than 5
    reviewers, quotes of aspects quoted from fewer than 5 reviewers (the page hides them
    too) and every quote marked as a spoiler.
    """
    if insight.reviewers_count < MIN_MEMBERS or not insight.analysed_count:
        return None
    audience = AudienceFacts(analysed=insight.analysed_count)
    if insight.raters_count >= MIN_MEMBERS and insight.rating_average is not None:
        audience.ratings = insight.ratings_count
        audience.average = round(insight.rating_average, 1)
    if insight.net_sentiment is not None:
        audience.net_sentiment = round(insight.net_sentiment, 2)
    for aspect in ASPECTS:
        data = (insight.aspects or {}).get(aspect)
        if not data or data.get("reviewers", 0) < MIN_MEMBERS or not data.get("mentions"):
            continue
        quotes: list[str] = []
        if data.get("quote_reviewers", 0) >= MIN_MEMBERS:
            quotes = [q["text"] for q in data.get("quotes", []) if q.get("text") and not q.get("spoiler")][
                :QUOTES_PER_ASPECT
            ]
        audience.aspects.append(
            AspectFacts(
                aspect=aspect,
                reviewers=data["reviewers"],
                positive_pct=round(100 * data["positive"] / data["mentions"]),
                negative_pct=round(100 * data["negative"] / data["mentions"]),
                quotes=quotes,
            )
        )
    named = {a.aspect for a in audience.aspects}
    audience.most_praised = insight.most_praised if insight.most_praised in named else ""
    audience.most_criticised = insight.most_criticised if insight.most_criticised in named else ""
    detail = insight.trend_detail or {}
    if insight.trend in TREND_WORDS and min(
        detail.get("recent_count", 0), detail.get("previous_count", 0)
    ) >= (MIN_MEMBERS):
        audience.trend = TREND_WORDS[insight.trend]
        audience.trend_months = detail.get("months")
        audience.recent_average = round(detail["recent_average"], 1)
        audience.previous_average = round(detail["previous_average"], 1)
    return Facts(movie=MovieFacts(title=movie.title, year=movie.year), user=UserFacts(), audience=audience)


def facts_to_json(facts: Facts) -> dict[str, Any]:
    assert facts.audience is not None
    return {"title": facts.movie.title, "year": facts.movie.year, "audience": asdict(facts.audience)}


def facts_from_json(data: dict[str, Any]) -> Facts:
    audience = dict(data["audience"])
    audience["aspects"] = [AspectFacts(**a) for a in audience.get("aspects", [])]
    return Facts(
        movie=MovieFacts(title=data["title"], year=data.get("year")),
        user=UserFacts(),
        audience=AudienceFacts(**audience),
    )


def _quotes_still_shown(summary: AudienceSummary, facts: Facts | None) -> bool:
    """Is every passage the stored text quotes still among the film's current quotes?

    A quote leaves the facts when its review is hidden, turns out a spoiler or loses its
    author; a summary quoting it must then not be shown (nor kept).
    """
    passages = grounding.quoted_passages(summary.text)
    if not passages:
        return True
    sources = facts.audience.quotes() if facts and facts.audience else []
    return all(grounding.is_verbatim(p, sources) for p in passages)


def audience_summary_refresh(
    *, movie_id: int, force: bool = False, backend: Any = None
) -> AudienceSummary | None:
    """Write the film's summary from its current FilmInsight; safe to run twice.

    Returns None (and removes a stored summary) when the film has no insight or fewer than
    5 analysed reviewers. Skips the model when the stored summary was written from the same
    facts, unless `force`. The model runs outside any transaction.
    """
    from recommender.llm.generation import generate_checked

    insight = FilmInsight.objects.select_related("movie").filter(movie_id=movie_id).first()
    facts = summary_facts(insight, insight.movie) if insight else None
    if insight is None or facts is None:
        AudienceSummary.objects.filter(movie_id=movie_id).delete()
        return None
    stored = facts_to_json(facts)
    current = AudienceSummary.objects.filter(movie_id=movie_id).first()
    if current is not None and not force and current.text and current.facts == stored:
        return current
    result = generate_checked(KIND, facts, backend=backend)
    return audience_summary_store(insight=insight, facts=facts, result=result)


def audience_summary_store(*, insight: FilmInsight, facts: Facts, result: Any) -> AudienceSummary:
    """Keep a checked text (generation.CheckedText) as the film's summary, with what it read."""
    values = {
        "text": result.text,
        "is_fallback": result.is_fallback,
        "facts": facts_to_json(facts),
        "failures": result.problems,
        "attempts": result.attempts,
        "analysed_count": insight.analysed_count,
        "data_until": insight.data_until,
        "model_name": result.model_name,
        "model_version": result.model_version,
        "generated_at": timezone.now(),
    }
    movie_id = insight.movie_id
    try:
        with transaction.atomic():
            row, _ = AudienceSummary.objects.update_or_create(movie_id=movie_id, defaults=values)
    except IntegrityError:  # a concurrent run created the row first; ours is as good
        row, _ = AudienceSummary.objects.update_or_create(movie_id=movie_id, defaults=values)
    log.info(
        "audience summary of film %s: %s after %s attempts",
        movie_id,
        "template" if result.is_fallback else "model",
        result.attempts,
    )
    return row


def analysed_changed_enough(*, before: int, now: int) -> bool:
    """Have a film's analysed reviews changed enough (by 5, or by 10%) since a text was written
    from `before` of them? (The movie page's "What audiences say" uses the same rule.)"""
    change = abs(now - before)
    return change >= REWRITE_AFTER_REVIEWS or change >= REWRITE_AFTER_SHARE * max(before, 1)


def audience_summary_due(*, movie_id: int) -> bool:
    """Should the film's summary be written (or removed) after its insight was refreshed?

    Yes when it has none and could have one, when the analysed reviews changed by 5 or by
    10% since it was written, when it can no longer have one, or when it quotes a passage
    that is no longer among the film's quotes.
    """
    insight = FilmInsight.objects.select_related("movie").filter(movie_id=movie_id).first()
    summary = AudienceSummary.objects.filter(movie_id=movie_id).first()
    facts = summary_facts(insight, insight.movie) if insight else None
    if facts is None:
        return summary is not None
    if summary is None or not summary.text:
        return True
    assert insight is not None
    if analysed_changed_enough(before=summary.analysed_count, now=insight.analysed_count):
        return True
    return not _quotes_still_shown(summary, facts)


def audience_summary_queue_if_due(*, movie_id: int) -> bool:
    """Queue the summary task (slow queue) when `audience_summary_due`; True if queued."""
    if not audience_summary_due(movie_id=movie_id):
        return False
    from recommender.insight.tasks import audience_summary_refresh_task

    audience_summary_refresh_task.delay(movie_id)
    return True


def audience_summaries_queue_due() -> int:
    """Queue the summary of every film that can have one (or must lose one) and is due; the
    daily pass calls this after refreshing the figures, so films whose reviews arrived before
    the summaries existed, or while the slow worker was down, get theirs. Returns how many."""
    candidates = set(films_with_summary_facts()) | set(
        AudienceSummary.objects.values_list("movie_id", flat=True)
    )
    return sum(audience_summary_queue_if_due(movie_id=movie_id) for movie_id in sorted(candidates))


def audience_summary_shown(*, movie: Movie, insight: FilmInsight | None) -> dict[str, Any]:
    """What the film page and the API show of the summary (one rule for both).

    `state` is "ready", "too_few" (fewer than 5 analysed reviewers: no summary) or "pending"
    (none written yet). A stored text quoting a passage the film no longer has (its review
    was hidden since) is replaced by the template text from the current figures.
    """
    empty: dict[str, Any] = {
        "state": "pending",
        "text": "",
        "is_fallback": False,
        "model_name": "",
        "model_version": "",
        "data_until": None,
        "generated_at": None,
        "analysed_reviews": None,
    }
    facts = summary_facts(insight, movie) if insight else None
    if facts is None:
        return empty | {"state": "too_few"}
    summary = AudienceSummary.objects.filter(movie_id=movie.pk).first()
    if summary is None or not summary.text:
        return empty
    shown = {
        "state": "ready",
        "text": summary.text,
        "is_fallback": summary.is_fallback,
        "model_name": summary.model_name,
        "model_version": summary.model_version,
        "data_until": summary.data_until,
        "generated_at": summary.generated_at,
        "analysed_reviews": summary.analysed_count,
    }
    if not _quotes_still_shown(summary, facts):
        assert insight is not None
        text, _ = fallback_text(KIND, facts)
        shown |= {
            "text": text,
            "is_fallback": True,
            "data_until": insight.data_until,
            "analysed_reviews": insight.analysed_count,
        }
    return shown


def audience_summaries_write(
    *, movie_ids: list[int], force: bool = False, backend: Any = None, progress: Any = None
) -> dict[str, int]:
    """Write the summaries of these films in this process (the management command)."""
    counts = {"model": 0, "template": 0, "unchanged": 0, "none": 0}
    for movie_id in progress(movie_ids) if progress else movie_ids:
        before = (
            AudienceSummary.objects.filter(movie_id=movie_id).values_list("generated_at", flat=True).first()
        )
        row = audience_summary_refresh(movie_id=movie_id, force=force, backend=backend)
        if row is None:
            counts["none"] += 1
        elif before is not None and row.generated_at == before:
            counts["unchanged"] += 1
        else:
            counts["template" if row.is_fallback else "model"] += 1
    return counts


def films_with_summary_facts(*, studio_id: int | None = None, limit: int | None = None) -> list[int]:
    """Films that can have a summary (5+ analysed reviewers), most analysed first."""
    rows = FilmInsight.objects.filter(reviewers_count__gte=MIN_MEMBERS, analysed_count__gt=0)
    if studio_id is not None:
        rows = rows.filter(movie__studios__id=studio_id)
    ids = list(rows.order_by("-analysed_count", "movie_id").values_list("movie_id", flat=True))
    return ids[:limit] if limit else ids
