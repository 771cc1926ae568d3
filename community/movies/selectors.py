"""Reads on the catalog: search, filters, movie pages, rows for the homepage and onboarding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from community.movies.models import Genre, Movie

SORTS: dict[str, tuple[str, str]] = {
    "popular": ("popular", "Most rated"),
    "rating": ("rating", "Highest rated"),
    "newest": ("newest", "Newest"),
    "oldest": ("oldest", "Oldest"),
    "title": ("title", "Title A-Z"),
}
# Averages of a handful of ratings are noise; "highest rated" only ranks movies with enough votes.
MIN_RATINGS_FOR_RATING_SORT = 10
NO_GENRE_NAMES = {"(no genres listed)"}


def genres_all() -> QuerySet[Genre]:
    return Genre.objects.exclude(name__in=NO_GENRE_NAMES).order_by("name")


def _ordering(sort: str) -> list[OrderBy | str]:
    # Each ends with the id, as the API's orders do: equal rows keep one order across pages.
    orderings: dict[str, list[OrderBy | str]] = {
        "rating": [F("rating_average").desc(nulls_last=True), "-rating_count", "title", "pk"],
        "newest": [F("year").desc(nulls_last=True), "-rating_count", "title", "pk"],
        "oldest": [F("year").asc(nulls_last=True), "-rating_count", "title", "pk"],
        "title": ["title", "year", "pk"],
    }
    return orderings.get(sort, ["-rating_count", "title", "pk"])


SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8


def search_query_clean(query: str | None) -> str:
    """The search words as matched: spaces collapsed, at most SEARCH_MAX_LENGTH characters."""
    return " ".join((query or "").split())[:SEARCH_MAX_LENGTH]


def movie_search_filter(movies: QuerySet[Movie], *, query: str) -> QuerySet[Movie]:
    """The movies among `movies` that match the search, for the catalog page and the API alike.

    Every word (up to SEARCH_MAX_WORDS) must appear in the title, the directors or the cast,
    case-insensitively ("heat pacino" finds Heat).
    """
    for word in search_query_clean(query).split()[:SEARCH_MAX_WORDS]:
        movies = movies.filter(
            Q(title__icontains=word) | Q(director_names__icontains=word) | Q(cast_names__icontains=word)
        )
    return movies


def movie_search_order(movies: QuerySet[Movie], *, query: str) -> QuerySet[Movie]:
    """Search results by relevance, for the catalog page and the API alike: the exact title,
    then titles starting with the query, then titles containing it, then the rest (matched on
    directors or cast); ties go to the most rated, then the title, then the id, so a page
    boundary never splits equal rows differently between two requests."""
    query = search_query_clean(query)
    return movies.annotate(
        relevance=Case(
            When(title__iexact=query, then=Value(0)),
            When(title__istartswith=query, then=Value(1)),
            When(title__icontains=query, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("relevance", "-rating_count", "title", "pk")


def movie_list(
    *,
    query: str = "",
    genre: Genre | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    sort: str = "",
) -> QuerySet[Movie]:
    """Catalog search and filters. Each query word matches title, director or cast (case-insensitive).

    On PostgreSQL the substring matches use the pg_trgm GIN indexes (movies migration 0002);
    elsewhere they scan, which is fine for a catalog of this size. With a query and no explicit
    sort, title matches rank first, then popularity.
    """
    movies = Movie.objects.prefetch_related("genres")
    query = search_query_clean(query)
    movies = movie_search_filter(movies, query=query)
    if genre is not None:
        movies = movies.filter(genres=genre)
    if year_min is not None:
        movies = movies.filter(year__gte=year_min)
    if year_max is not None:
        movies = movies.filter(year__lte=year_max)
    if sort == "rating":
        movies = movies.filter(rating_count__gte=MIN_RATINGS_FOR_RATING_SORT)
    if query and not sort:
        movies = movie_search_order(movies, query=query)
    else:
        movies = movies.order_by(*_ordering(sort))
    return movies


def movie_title_suggestions(*, query: str, limit: int = 5) -> list[Movie]:
    """Near-miss titles for a search that found nothing (trigram similarity; PostgreSQL only)."""
    query = " ".join((query or "").split())[:100]
    if not query or connection.vendor != "postgresql":
        return []
    from django.contrib.postgres.search import TrigramSimilarity

    return list(
        Movie.objects.annotate(similarity=TrigramSimilarity("title", query))
        .filter(similarity__gt=0.25)
        .order_by("-similarity", "-rating_count")[:limit]
    )


def movie_get(*, slug: str) -> Movie:
    """The movie with its genres, or 404."""
    return get_object_or_404(Movie.objects.prefetch_related("genres"), slug=slug)


@dataclass(frozen=True)
class HistogramBar:
    score: float
    count: int
    percent: float

    @property
    def label(self) -> str:
        return f"{self.score:g}"


def histogram_bars(counts: dict[float, int]) -> list[HistogramBar]:
    """Ten half-star bars (0.5 ... 5.0), scaled so the tallest bar is 100%."""
    tallest = max(counts.values(), default=0)
    return [
        HistogramBar(
            score=s, count=counts.get(s, 0), percent=(100 * counts.get(s, 0) / tallest) if tallest else 0
        )
        for s in (n / 2 for n in range(1, 11))
    ]


def movie_rating_histogram(*, movie: Movie) -> list[HistogramBar]:
    from community.reviews.models import Rating

    rows = Rating.objects.filter(movie=movie).order_by().values("score").annotate(n=Count("id"))
    return histogram_bars({float(row["score"]): row["n"] for row in rows})


def similar_movies(*, movie: Movie, limit: int = 6) -> list[Movie]:
    """Same-genre fallback for "similar movies": most shared genres first, then popularity."""
    genre_ids = [g.pk for g in movie.genres.all()]
    if not genre_ids:
        return []
    return list(
        Movie.objects.filter(genres__in=genre_ids)
        .exclude(pk=movie.pk)
        .annotate(shared=Count("genres"))
        .order_by("-shared", "-rating_count", "title")
        .prefetch_related("genres")[:limit]
    )


def popular_movies(*, limit: int = 12, genres: list[Genre] | None = None, exclude_user=None) -> list[Movie]:
    """Most-rated movies, optionally in any of the genres and without those the user rated."""
    movies = Movie.objects.all()
    if genres:
        movies = movies.filter(genres__in=genres).distinct()
    if exclude_user is not None:
        movies = movies.exclude(ratings__user=exclude_user)
    return list(movies.prefetch_related("genres").order_by("-rating_count", "title")[:limit])


def well_rated_movies(*, limit: int = 12, min_ratings: int = 50) -> list[Movie]:
    movies = Movie.objects.filter(rating_count__gte=min_ratings, rating_average__isnull=False)
    if not movies.exists():
        movies = Movie.objects.filter(rating_count__gte=1, rating_average__isnull=False)
    return list(movies.prefetch_related("genres").order_by("-rating_average", "-rating_count")[:limit])


def onboarding_movies(*, size: int = 24, pool: int = 400) -> list[Movie]:
    """A varied grid of popular titles: round-robin over genres, most-rated first in each.

    Two queries: the pool of popular movies with their genres, then picking happens in Python.
    """
    candidates = list(
        Movie.objects.filter(rating_count__gt=0)
        .prefetch_related("genres")
        .order_by("-rating_count", "title")[:pool]
    )
    if len(candidates) < size:
        candidates = list(Movie.objects.prefetch_related("genres").order_by("-rating_count", "title")[:pool])
    by_genre: dict[str, list[Movie]] = defaultdict(list)
    for movie in candidates:
        for genre in movie.genres.all():
            if genre.name not in NO_GENRE_NAMES:
                by_genre[genre.name].append(movie)
    # Genres in order of their most popular title, so the grid opens with familiar films.
    genre_order = sorted(by_genre, key=lambda name: candidates.index(by_genre[name][0]))
    picked: list[Movie] = []
    seen: set[int] = set()
    cursors = dict.fromkeys(genre_order, 0)
    while len(picked) < size and any(cursors[g] < len(by_genre[g]) for g in genre_order):
        for name in genre_order:
            movies = by_genre[name]
            while cursors[name] < len(movies) and movies[cursors[name]].pk in seen:
                cursors[name] += 1
            if cursors[name] < len(movies) and len(picked) < size:
                picked.append(movies[cursors[name]])
                seen.add(movies[cursors[name]].pk)
                cursors[name] += 1
    for movie in candidates:  # movies without genres fill any remaining places
        if len(picked) >= size:
            break
        if movie.pk not in seen:
            picked.append(movie)
            seen.add(movie.pk)
    return picked
