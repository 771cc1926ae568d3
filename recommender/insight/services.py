"""Recomputing the studio console's aggregates for one film (and its comparable-film group).

`film_insight_refresh` reads the film's ratings, reviews and stored review analyses and
writes one `FilmInsight` row; running it twice gives the same row. Nothing here runs a
language model: the sentiment, aspects and evidence sentences were stored by
`recommender.services.analysis` when each review was analysed.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from community.accounts.models import User
from community.movies.models import Movie
from community.reviews.models import Rating, Review
from recommender.insight.models import FilmInsight, InsightBenchmark
from recommender.insight.text import film_characters_and_moments, merge_quotes
from recommender.insight.timeline import rating_series, rating_trend
from recommender.models import TasteProfile

log = logging.getLogger(__name__)

# The aspects the sentiment model finds (recommender.llm.sentiment.ASPECTS), in console order.
ASPECTS = ("story", "acting", "characters", "visuals", "music", "pacing", "humour", "emotional impact")
ASPECT_LABELS = {a: a.capitalize() for a in ASPECTS}
MIN_MEMBERS = 5  # fewer distinct members than this are shown as "fewer than 5"
QUOTES_PER_ASPECT = 3
QUOTE_MAX_CHARS = 300
TASTE_SEGMENTS = 6
TENURE_BUCKETS = (  # (upper bound in years, name)
    (1, "Members for under a year"),
    (3, "Members for 1 to 3 years"),
    (5, "Members for 3 to 5 years"),
    (None, "Members for 5 years or more"),
)
DATA_NOW_CACHE_KEY = "insight:data-now"


def data_now() -> datetime:
    """ "Now" for trends and tenure: the newest rating in the data (MovieLens ends in 2016)."""
    cached = cache.get(DATA_NOW_CACHE_KEY)
    if cached is not None:
        return cached
    newest = Rating.objects.aggregate(newest=Max("created_at"))["newest"] or timezone.now()
    cache.set(DATA_NOW_CACHE_KEY, newest, 600)
    return newest


def main_genre_of(movie_id: int) -> str:
    """The film's first-listed genre (MovieLens lists the main one first)."""
    through = Movie.genres.through
    name = (
        through.objects.filter(movie_id=movie_id).order_by("pk").values_list("genre__name", flat=True).first()
    )
    return name or ""


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _pick_quotes(pool: list[tuple[float, str, str, bool]], major_is_positive: bool) -> list:
    """Two of the strongest quotes on the side most mentions take, then one of the other side."""
    positives = sorted((p for p in pool if p[2] == "positive"), key=lambda p: (-p[0], p[1]))
    negatives = sorted((p for p in pool if p[2] == "negative"), key=lambda p: (p[0], p[1]))
    major, minor = (positives, negatives) if major_is_positive else (negatives, positives)
    chosen: list[tuple[float, str, str, bool]] = []
    for candidate in major[:2] + minor[:1] + major[2:]:
        if len(chosen) == QUOTES_PER_ASPECT:
            break
        if all(candidate[1] != q[1] for q in chosen):
            chosen.append(candidate)
    return chosen


def _as_quotes(chosen: list[tuple[float, str, str, bool]]) -> list[dict[str, Any]]:
    return [{"text": text, "sentiment": label, "spoiler": spoiler} for _s, text, label, spoiler in chosen]


def _aspects(analysed: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Mentions, shares and quotes per aspect.

    Quotes of spoiler reviews are stored flagged ("spoiler": true): the list holds the
    quotes picked from the whole pool, then those picked without spoilers that are not
    among them, so the selectors' "first three allowed" is the best pick for a studio
    either way. `quote_reviewers` counts the living authors of non-spoiler reviews who could
    supply a quote, `quote_reviewers_with_spoilers` all of them.
    """
    out: dict[str, dict[str, Any]] = {}
    pools: dict[str, list[tuple[float, str, str, bool]]] = defaultdict(list)
    reviewers: dict[str, set[int]] = defaultdict(set)
    quote_reviewers: dict[str, set[int]] = defaultdict(set)
    spoiler_quote_reviewers: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, Counter] = defaultdict(Counter)
    for review in analysed:
        for item in review["aspects"] or []:
            aspect = item.get("aspect")
            if aspect not in ASPECTS:
                continue
            label = item.get("sentiment", "mixed")
            counts[aspect]["mentions"] += 1
            counts[aspect][label] += 1
            reviewers[aspect].add(review["user_id"])
            sentence = (item.get("sentence") or "").strip()
            # A quote is the reviewer's sentence verbatim: one too long to show whole is not quoted.
            if (
                review["quotable"]
                and 0 < len(sentence) <= QUOTE_MAX_CHARS
                and label in ("positive", "negative")
            ):
                spoiler = review["has_spoilers"]
                pools[aspect].append((float(item.get("score", 0.0)), sentence, label, spoiler))
                spoiler_quote_reviewers[aspect].add(review["user_id"])
                if not spoiler:
                    quote_reviewers[aspect].add(review["user_id"])
    for aspect in ASPECTS:
        c = counts.get(aspect)
        if not c:
            continue
        major_is_positive = c["positive"] >= c["negative"]
        quotes = merge_quotes(
            _as_quotes(_pick_quotes(pools[aspect], major_is_positive)),
            _as_quotes(_pick_quotes([p for p in pools[aspect] if not p[3]], major_is_positive)),
        )
        out[aspect] = {
            "mentions": c["mentions"],
            "positive": c["positive"],
            "negative": c["negative"],
            "reviewers": len(reviewers[aspect]),
            "net_share": round((c["positive"] - c["negative"]) / c["mentions"], 3),
            "quote_reviewers": len(quote_reviewers[aspect]),
            "quote_reviewers_with_spoilers": len(spoiler_quote_reviewers[aspect]),
            "quotes": quotes,
        }
    return out


def _praised_and_criticised(aspects: dict[str, dict[str, Any]]) -> tuple[str, str]:
    eligible = [(a, v["net_share"]) for a, v in aspects.items() if v["reviewers"] >= MIN_MEMBERS]
    praised = max((e for e in eligible if e[1] > 0), key=lambda e: e[1], default=None)
    criticised = min((e for e in eligible if e[1] < 0), key=lambda e: e[1], default=None)
    return (praised[0] if praised else "", criticised[0] if criticised else "")


def _tenure_bucket(years: float) -> str:
    for bound, name in TENURE_BUCKETS:
        if bound is None or years < bound:
            return name
    return TENURE_BUCKETS[-1][1]


def _favourite_genre(preferences: dict[str, Any]) -> str | None:
    genres = (preferences or {}).get("genres") or {}
    best = max(genres.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return best[0] if best and best[1] >= 0.15 else None


def _segments(movie_id: int, ratings: list[tuple[int, Decimal, datetime]], now: datetime) -> list[dict]:
    """How each group of raters rates this film against that group's average over all films."""
    if not ratings:
        return []
    raters = Rating.objects.filter(movie_id=movie_id).values("user_id")
    overall = {
        row["user_id"]: row
        for row in Rating.objects.filter(user_id__in=raters)
        .values("user_id")
        .annotate(n=Count("pk"), total=Sum("score"), first=Min("created_at"))
    }
    joined = dict(User.objects.filter(pk__in=raters).values_list("pk", "date_joined"))
    favourite = {
        user_id: _favourite_genre(prefs)
        for user_id, prefs in TasteProfile.objects.filter(user_id__in=raters).values_list(
            "user_id", "preferences"
        )
    }
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    score_of = {user_id: float(score) for user_id, score, _c in ratings}
    for user_id in score_of:
        row = overall.get(user_id)
        since = min(d for d in (joined.get(user_id), row["first"] if row else None) if d is not None)
        years = max(0.0, (now - since).days / 365.25)
        groups[("tenure", _tenure_bucket(years))].append(user_id)
        genre = favourite.get(user_id)
        if genre:
            groups[("taste", f"{genre} lovers")].append(user_id)
    out = []
    order = {name: i for i, (_b, name) in enumerate(TENURE_BUCKETS)}
    taste = sorted((k for k in groups if k[0] == "taste"), key=lambda k: (-len(groups[k]), k[1]))
    tenure = sorted((k for k in groups if k[0] == "tenure"), key=lambda k: order[k[1]])
    for kind, name in tenure + taste[:TASTE_SEGMENTS]:
        members = groups[(kind, name)]
        average = sum(score_of[u] for u in members) / len(members)
        n = sum(overall[u]["n"] for u in members if u in overall)
        total = sum(float(overall[u]["total"]) for u in members if u in overall)
        own = total / n if n else None
        out.append(
            {
                "kind": kind,
                "name": name,
                "raters": len(members),
                "average": round(average, 3),
                "own_average": _round(own),
                "difference": _round(average - own) if own is not None else None,
            }
        )
    return out


def _reviews(movie_id: int) -> list[dict[str, Any]]:
    """The film's analysed reviews with what the aggregates need (body, evidence, scores).

    Reviews hidden by moderators count nowhere (their film is refreshed when one is hidden
    or restored: recommender.receivers).
    """
    rows = (
        Review.objects.visible()
        .filter(movie_id=movie_id, analysis__isnull=False)
        .values(
            "pk",
            "user_id",
            "has_spoilers",
            "body",
            "created_at",
            "analysis__label",
            "analysis__score",
            "analysis__aspects",
        )
        .order_by("pk")
    )
    return [
        {
            "pk": r["pk"],
            "user_id": r["user_id"],
            "has_spoilers": r["has_spoilers"],
            "body": r["body"],
            "created_at": r["created_at"],
            "label": r["analysis__label"],
            "score": r["analysis__score"],
            "aspects": r["analysis__aspects"],
            # Quotes never come from reviews without a living author; spoiler reviews give
            # quotes flagged as spoilers (shown only to studios that opt in).
            "quotable": r["user_id"] is not None,
        }
        for r in rows
    ]


def film_insight_refresh(
    *, movie_id: int, benchmark: bool = True, now: datetime | None = None
) -> FilmInsight | None:
    """Recompute one film's console figures from its ratings and analysed reviews.

    Characters, performers and moments come from the plot, the cast list and the sentences
    of the analysed reviews (recommender.insight.text: a sentence that is one of its
    analysis's aspect evidence sentences takes that item's score, any other the review's
    overall score). Quotes from spoiler reviews are stored flagged, never attributed, and
    never taken from a review without a living author.

    Safe to run twice or concurrently (the last writer stores the same figures). Returns
    None when the film is gone. With `benchmark`, its comparable-film group's medians are
    refreshed too (the `insight_refresh` command does each group once at the end instead).
    """
    movie = Movie.objects.filter(pk=movie_id).only("pk", "year", "title", "plot", "cast_names").first()
    if movie is None:
        return None
    now = now or data_now()
    ratings = list(Rating.objects.filter(movie_id=movie_id).values_list("user_id", "score", "created_at"))
    analysed = _reviews(movie_id)
    reviews_count = Review.objects.visible().filter(movie_id=movie_id).count()
    histogram = [0] * 10
    for _u, score, _c in ratings:
        histogram[max(0, min(9, int(round(float(score) * 2)) - 1))] += 1
    labels = Counter(r["label"] for r in analysed)
    granularity, series = rating_series(ratings, analysed, min_members=MIN_MEMBERS)
    trend, trend_detail = rating_trend(ratings, now)
    aspects = _aspects(analysed)
    praised, criticised = _praised_and_criticised(aspects)
    characters, moments = film_characters_and_moments(
        title=movie.title, plot=movie.plot, cast_names=movie.cast_names, reviews=analysed
    )
    newest = [c for _u, _s, c in ratings] + [r["created_at"] for r in analysed]
    values = {
        "ratings_count": len(ratings),
        "rating_average": _round(sum(float(s) for _u, s, _c in ratings) / len(ratings)) if ratings else None,
        "reviews_count": reviews_count,
        "analysed_count": len(analysed),
        "net_sentiment": _round((labels["positive"] - labels["negative"]) / len(analysed))
        if analysed
        else None,
        "raters_count": len({u for u, _s, _c in ratings}),
        "reviewers_count": len({r["user_id"] for r in analysed}),
        "histogram": histogram,
        "series_granularity": granularity,
        "series": series,
        "aspects": aspects,
        "most_praised": praised,
        "most_criticised": criticised,
        "trend": trend,
        "trend_detail": trend_detail,
        "segments": _segments(movie_id, ratings, now),
        "characters": characters,
        "moments": moments,
        "main_genre": main_genre_of(movie_id),
        "decade": (movie.year // 10 * 10) if movie.year else None,
        "data_until": max(newest) if newest else None,
        "refreshed_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            insight, _ = FilmInsight.objects.update_or_create(movie_id=movie_id, defaults=values)
    except IntegrityError:  # a concurrent run created the row first; ours has the same figures
        insight, _ = FilmInsight.objects.update_or_create(movie_id=movie_id, defaults=values)
    if benchmark and insight.main_genre and insight.decade is not None:
        insight_benchmark_refresh(main_genre=insight.main_genre, decade=insight.decade)
    return insight


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def insight_benchmark_refresh(*, main_genre: str, decade: int) -> InsightBenchmark:
    """Medians of the group's films that have insight rows (average rating, net sentiment, aspects)."""
    rows = list(
        FilmInsight.objects.filter(main_genre=main_genre, decade=decade).values_list(
            "rating_average", "net_sentiment", "aspects"
        )
    )
    shares: dict[str, list[float]] = defaultdict(list)
    for _avg, _net, aspects in rows:
        for aspect, data in (aspects or {}).items():
            shares[aspect].append(float(data["net_share"]))
    benchmark, _ = InsightBenchmark.objects.update_or_create(
        main_genre=main_genre,
        decade=decade,
        defaults={
            "films": len(rows),
            "rating_average": _median(r[0] for r in rows),
            "net_sentiment": _median(r[1] for r in rows),
            "aspects": {a: _median(shares[a]) for a in ASPECTS if shares.get(a)},
            "refreshed_at": timezone.now(),
        },
    )
    return benchmark


def films_to_refresh(*, studio_id: int | None = None) -> list[int]:
    """Ids of a studio's films, or of every film with ratings or reviews."""
    if studio_id is not None:
        movies = Movie.objects.filter(studios__id=studio_id)
    else:
        movies = Movie.objects.filter(Q(rating_count__gt=0) | Q(review_count__gt=0))
    return list(movies.order_by("pk").values_list("pk", flat=True))


def film_insights_refresh(*, movie_ids: Iterable[int], progress=None) -> int:
    """Refresh many films, then each comparable-film group once; returns the number of groups."""
    now = data_now()
    groups: set[tuple[str, int]] = set()
    for movie_id in progress(movie_ids) if progress else movie_ids:
        insight = film_insight_refresh(movie_id=movie_id, benchmark=False, now=now)
        if insight and insight.main_genre and insight.decade is not None:
            groups.add((insight.main_genre, insight.decade))
    for main_genre, decade in sorted(groups):
        insight_benchmark_refresh(main_genre=main_genre, decade=decade)
    return len(groups)


QUEUE_KEY = "insight:queued:{}"
QUEUE_DELAY_SECONDS = 10


def film_insight_queue(*, movie_id: int, bulk: bool = False) -> None:
    """Queue one refresh of the film a few seconds from now; a burst of reviews shares it.

    The key is removed when the task starts, so whatever arrives after the start queues
    another run and nothing is missed. A cache that fails only costs a duplicate run.
    `bulk` (a backfill reading every review) sends it to the bulk queue, so hundreds of
    films' refreshes do not stand before a member's draft on the slow queue.
    """
    from recommender.insight.tasks import film_insight_refresh_task

    try:
        first = cache.add(QUEUE_KEY.format(movie_id), 1, QUEUE_DELAY_SECONDS * 30)
    except Exception:  # noqa: BLE001 - the cache is an optimisation here
        first = True
    if first:
        queue = settings.CELERY_BULK_QUEUE if bulk else None
        film_insight_refresh_task.apply_async((movie_id,), countdown=QUEUE_DELAY_SECONDS, queue=queue)
