"""Reads behind the movie detail endpoint: rating histogram and review sentiment summary."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count

from community.accounts.models import User
from community.movies.models import Movie

# Aspects are summarised over the most recent analysed reviews only, to keep the page cheap.
ASPECT_SAMPLE = 500
TOP_ASPECTS = 8
HALF_STARS = [Decimal(n) / 2 for n in range(1, 11)]


def movie_detail(*, movie: Movie, user: User | Any) -> dict[str, Any]:
    """Everything the movie detail endpoint shows, in a fixed number of queries."""
    from community.reviews.models import Rating, Review
    from community.social.models import WatchlistItem

    counts = {
        row["score"]: row["n"]
        for row in Rating.objects.filter(movie=movie).order_by().values("score").annotate(n=Count("id"))
    }
    histogram = [{"score": s, "count": counts.get(s, 0)} for s in HALF_STARS]

    # ReviewAnalysis rows hang off reviews as `analysis`; read through the relation by name so the
    # community floor imports nothing from the recommender.
    analysed = Review.objects.visible().filter(movie=movie, analysis__isnull=False)
    labels = {
        row["analysis__label"]: row["n"]
        for row in analysed.order_by().values("analysis__label").annotate(n=Count("id"))
    }
    average = analysed.aggregate(avg=Avg("analysis__score"))["avg"]
    aspect_pos: Counter[str] = Counter()
    aspect_neg: Counter[str] = Counter()
    for aspects in analysed.order_by("-created_at").values_list("analysis__aspects", flat=True)[
        :ASPECT_SAMPLE
    ]:
        for item in aspects or []:
            if not isinstance(item, dict) or not isinstance(item.get("aspect"), str):
                continue
            if item.get("sentiment") == "positive":
                aspect_pos[item["aspect"]] += 1
            elif item.get("sentiment") == "negative":
                aspect_neg[item["aspect"]] += 1
    totals = aspect_pos + aspect_neg
    aspects = [
        {"aspect": name, "positive": aspect_pos[name], "negative": aspect_neg[name]}
        for name, _ in totals.most_common(TOP_ASPECTS)
    ]

    my_rating = None
    in_watchlist = False
    if user.is_authenticated:
        my_rating = Rating.objects.filter(movie=movie, user=user).values_list("score", flat=True).first()
        in_watchlist = WatchlistItem.objects.filter(movie=movie, user=user).exists()

    credits = [
        {"name": c.person.name, "role": c.role}
        for c in movie.credits.select_related("person").order_by("role", "order")
    ]
    return {
        "id": movie.pk,
        "slug": movie.slug,
        "title": movie.title,
        "year": movie.year,
        "genres": list(movie.genres.all()),
        "runtime_minutes": movie.runtime_minutes,
        "imdb_id": movie.imdb_id,
        "plot": movie.plot,
        "plot_source": movie.plot_source,
        "plot_source_url": movie.plot_source_url,
        "plot_license": movie.plot_license,
        "credits": credits,
        "review_count": movie.review_count,
        "rating_stats": {
            "count": movie.rating_count,
            "average": movie.rating_average,
            "histogram": histogram,
        },
        "sentiment": {
            "analysed_reviews": sum(labels.values()),
            "positive": labels.get("positive", 0),
            "negative": labels.get("negative", 0),
            "mixed": labels.get("mixed", 0),
            "average_score": average,
            "aspects": aspects,
        },
        "my_rating": my_rating,
        "in_my_watchlist": in_watchlist,
    }
