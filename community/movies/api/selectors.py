"""Reads behind the movie detail endpoint: rating histogram and review sentiment summary (the
latter from the slot community.movies.sentiment, which the recommender fills)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count

from community.accounts.models import User
from community.movies.models import Movie
from community.movies.sentiment import movie_sentiment_summary

HALF_STARS = [Decimal(n) / 2 for n in range(1, 11)]


def movie_detail(*, movie: Movie, user: User | Any) -> dict[str, Any]:
    """Everything the movie detail endpoint shows, in a fixed number of queries."""
    from community.reviews.models import Rating
    from community.social.models import WatchlistItem

    counts = {
        row["score"]: row["n"]
        for row in Rating.objects.filter(movie=movie).order_by().values("score").annotate(n=Count("id"))
    }
    histogram = [{"score": s, "count": counts.get(s, 0)} for s in HALF_STARS]

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
        # The recommender fills this slot; community imports nothing from it.
        "sentiment": movie_sentiment_summary(movie_id=movie.pk),
        "my_rating": my_rating,
        "in_my_watchlist": in_watchlist,
    }
