"""Year in review and all-time stats of a member's diary, as one viewer may see them.

Reads only: the figures are aggregated in PostgreSQL over the entries the viewer may see
(selectors.visible_levels, the diary's one visibility rule), so a private watch never counts on a
page someone else reads. About fifteen queries whatever the size of the diary.

Taste movement is computed here from the member's own watches and ratings by genre, comparing
the first and the second half of the period (a year splits on 1 July; all time on the day halfway
between the first and the last watch): the recommender's taste profile keeps no history, and
this floor may not read it. The profile's current summary is shown beside it through the
recommender's template tag slot.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from community.accounts.models import User
from community.diary.models import DiaryEntry, StatsSharing
from community.diary.selectors import visible_levels
from community.movies.models import Credit
from community.reviews.models import Review

FIRST_YEAR = 1870  # the diary refuses earlier watch dates (services._check)
TOP = 10
HIGHEST = 5
LIKED_REVIEWS = 3
TASTE_MIN_WATCHES = 4  # per half, below which the halves say nothing about a change
TASTE_SHOWN = 3
HALF_STARS = [Decimal(n) / 2 for n in range(1, 11)]


def year_is_valid(year: int) -> bool:
    """Whether a year can hold watches: from the diary's first accepted year to next year."""
    return FIRST_YEAR <= year <= timezone.localdate().year + 1


@dataclass(frozen=True)
class Ranked:
    """One row of a ranking; tied rows share a rank ("=2")."""

    rank: int
    tied: bool
    name: str
    watches: int
    films: int = 0


@dataclass(frozen=True)
class Streak:
    days: int
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class GenreMove:
    name: str
    share_before: float  # share of the half's watches, 0..1
    share_after: float
    rating_before: float | None
    rating_after: float | None

    @property
    def change(self) -> float:
        return self.share_after - self.share_before


@dataclass(frozen=True)
class TasteMovement:
    split_on: datetime.date | None  # the first day of the second half
    watches_before: int
    watches_after: int
    rating_before: float | None
    rating_after: float | None
    rising: list[GenreMove] = field(default_factory=list)
    falling: list[GenreMove] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return min(self.watches_before, self.watches_after) >= TASTE_MIN_WATCHES


@dataclass
class YearInReview:
    """Everything the stats page and the API show for one period (a year, or None: all time)."""

    year: int | None
    years: list[tuple[int, int]]  # every year with visible watches, with its count, oldest first
    watches: int = 0
    films: int = 0
    rewatches: int = 0
    minutes: int = 0
    watches_without_runtime: int = 0
    rated: int = 0
    average_rating: float | None = None
    ratings: dict[Decimal, int] = field(default_factory=dict)  # every half star, 0 included
    months: list[int] = field(default_factory=list)  # 12 counts for a year; [] for all time
    decades: list[tuple[int | None, int]] = field(default_factory=list)  # None: year unknown
    genres: list[Ranked] = field(default_factory=list)
    directors: list[Ranked] = field(default_factory=list)
    actors: list[Ranked] = field(default_factory=list)
    streak: Streak | None = None
    first: DiaryEntry | None = None
    last: DiaryEntry | None = None
    highest: list[DiaryEntry] = field(default_factory=list)
    liked_reviews: list[Review] = field(default_factory=list)
    taste: TasteMovement | None = None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def empty(self) -> bool:
        return self.watches == 0


# --- sharing -----------------------------------------------------------------------------------


def stats_shared(*, owner: User) -> bool:
    """Whether the member lets others see their stats pages (off until they choose)."""
    return StatsSharing.objects.filter(user_id=owner.pk, shared=True).exists()


def stats_viewable(*, owner: User, viewer: User | AnonymousUser) -> bool:
    """The owner always sees their stats; anyone else only when the owner shares them."""
    if viewer.is_authenticated and viewer.pk == owner.pk:
        return True
    return stats_shared(owner=owner)


# --- figures -----------------------------------------------------------------------------------


def _ranked(rows: Sequence[dict], *, name: str) -> list[Ranked]:
    """Rows ordered by watches (then name) as a competition ranking: equal counts, equal rank."""
    out: list[Ranked] = []
    counts = [row["watches"] for row in rows]
    for row in rows:
        rank = counts.index(row["watches"]) + 1
        tied = counts.count(row["watches"]) > 1
        out.append(Ranked(rank, tied, row[name] or "", row["watches"], row.get("films", 0)))
    return out


def _people(period: QuerySet[DiaryEntry], role: str) -> list[Ranked]:
    rows = (
        period.filter(movie__credits__role=role)
        .values(name=F("movie__credits__person__name"))
        .annotate(watches=Count("id"), films=Count("movie_id", distinct=True))
        .order_by("-watches", "name")[:TOP]
    )
    return _ranked(list(rows), name="name")


def _streak(period: QuerySet[DiaryEntry]) -> Streak | None:
    """The longest run of consecutive days with a watch (the earliest of equal runs), found in
    the database: days minus their row number are equal within a run (gaps and islands)."""
    days_sql, params = period.order_by().values("watched_on").distinct().query.sql_with_params()
    # The inner query is Django's own SQL with its parameters kept apart, so nothing is interpolated.
    sql = (
        "SELECT MIN(d), MAX(d), COUNT(*) FROM ("  # noqa: S608
        " SELECT d, d - CAST(ROW_NUMBER() OVER (ORDER BY d) AS integer) AS run"
        f" FROM ({days_sql}) AS days(d)"
        ") AS runs GROUP BY run ORDER BY COUNT(*) DESC, MIN(d) ASC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return Streak(days=row[2], start=row[0], end=row[1]) if row else None


def _highest(period: QuerySet[DiaryEntry]) -> list[DiaryEntry]:
    """The best-rated films, each once (its earliest watch at that rating)."""
    seen: set[int] = set()
    best: list[DiaryEntry] = []
    rated = period.filter(rating__isnull=False).select_related("movie")
    for entry in rated.order_by("-rating", "watched_on", "pk")[: HIGHEST * 4]:
        if entry.movie_id not in seen:
            seen.add(entry.movie_id)
            best.append(entry)
    return best[:HIGHEST]


def _taste(
    period: QuerySet[DiaryEntry],
    *,
    split_on: datetime.date,
    before: int,
    after: int,
    rating_before: float | None,
    rating_after: float | None,
) -> TasteMovement:
    early, late = Q(watched_on__lt=split_on), Q(watched_on__gte=split_on)
    rows = (
        period.filter(movie__genres__isnull=False)
        .values(name=F("movie__genres__name"))
        .annotate(
            n1=Count("id", filter=early),
            n2=Count("id", filter=late),
            r1=Avg("rating", filter=early),
            r2=Avg("rating", filter=late),
        )
        .order_by("name")
    )
    moves = [
        GenreMove(
            name=row["name"],
            share_before=row["n1"] / before if before else 0.0,
            share_after=row["n2"] / after if after else 0.0,
            rating_before=float(row["r1"]) if row["r1"] is not None else None,
            rating_after=float(row["r2"]) if row["r2"] is not None else None,
        )
        for row in rows
    ]
    moved = sorted(moves, key=lambda m: (-abs(m.change), m.name))
    return TasteMovement(
        split_on=split_on,
        watches_before=before,
        watches_after=after,
        rating_before=rating_before,
        rating_after=rating_after,
        rising=[m for m in moved if m.change > 0][:TASTE_SHOWN],
        falling=[m for m in moved if m.change < 0][:TASTE_SHOWN],
    )


def year_in_review(*, owner: User, viewer: User | AnonymousUser, year: int | None) -> YearInReview:
    """The owner's figures for a year (or all time when year is None) over the entries the viewer
    may see. Watches count every entry (rewatches too); films count each film once; hours add the
    runtime of every watch (films without a known runtime are counted apart)."""
    visible = DiaryEntry.objects.filter(
        user=owner, visibility__in=visible_levels(viewer=viewer, owner=owner)
    ).order_by()
    by_year = list(
        visible.annotate(y=ExtractYear("watched_on"))
        .values("y")
        .annotate(n=Count("id"), first=Min("watched_on"), last=Max("watched_on"))
        .order_by("y")
    )
    stats = YearInReview(year=year, years=[(row["y"], row["n"]) for row in by_year])
    if year is not None:
        by_year = [row for row in by_year if row["y"] == year]
        period = visible.filter(
            watched_on__gte=datetime.date(year, 1, 1), watched_on__lt=datetime.date(year + 1, 1, 1)
        )
    else:
        period = visible
    if not by_year:
        stats.months = [0] * 12 if year is not None else []
        return stats

    first_day, last_day = by_year[0]["first"], by_year[-1]["last"]
    if year is not None:
        split_on = datetime.date(year, 7, 1)
    else:
        split_on = first_day + datetime.timedelta(days=((last_day - first_day).days + 1) // 2)
    early, late = Q(watched_on__lt=split_on), Q(watched_on__gte=split_on)
    totals = period.aggregate(
        watches=Count("id"),
        films=Count("movie_id", distinct=True),
        rewatches=Count("id", filter=Q(rewatch=True)),
        minutes=Sum("movie__runtime_minutes"),
        timed=Count("movie__runtime_minutes"),
        rated=Count("rating"),
        average=Avg("rating"),
        before=Count("id", filter=early),
        after=Count("id", filter=late),
        rating_before=Avg("rating", filter=early),
        rating_after=Avg("rating", filter=late),
    )
    stats.watches, stats.films, stats.rewatches = totals["watches"], totals["films"], totals["rewatches"]
    stats.minutes = totals["minutes"] or 0
    stats.watches_without_runtime = totals["watches"] - totals["timed"]
    stats.rated = totals["rated"]
    stats.average_rating = float(totals["average"]) if totals["average"] is not None else None

    spread = dict(
        period.filter(rating__isnull=False)
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    stats.ratings = {star: spread.get(star, 0) for star in HALF_STARS}

    if year is not None:
        per_month = dict(
            period.annotate(m=ExtractMonth("watched_on"))
            .values("m")
            .annotate(n=Count("id"))
            .values_list("m", "n")
        )
        stats.months = [per_month.get(m, 0) for m in range(1, 13)]

    decade_rows = (
        period.annotate(decade=F("movie__year") / 10 * 10).values("decade").annotate(n=Count("id")).order_by()
    )
    decades = {row["decade"]: row["n"] for row in decade_rows}
    known = [d for d in decades if d is not None]
    if known:  # every decade between the oldest and the newest, empty ones too
        stats.decades = [(d, decades.get(d, 0)) for d in range(min(known), max(known) + 10, 10)]
    if None in decades:
        stats.decades.append((None, decades[None]))

    genre_rows = (
        period.filter(movie__genres__isnull=False)
        .values(name=F("movie__genres__name"))
        .annotate(watches=Count("id"), films=Count("movie_id", distinct=True))
        .order_by("-watches", "name")[:TOP]
    )
    stats.genres = _ranked(list(genre_rows), name="name")
    stats.directors = _people(period, Credit.Role.DIRECTOR)
    stats.actors = _people(period, Credit.Role.CAST)
    stats.streak = _streak(period)

    in_order = period.select_related("movie")
    stats.first = in_order.order_by("watched_on", "created_at", "pk").first()
    stats.last = in_order.order_by("-watched_on", "-created_at", "-pk").first()
    stats.highest = _highest(period)

    reviews = Review.objects.visible_to(viewer).filter(
        user=owner, source=Review.Source.MEMBER, like_count__gt=0
    )
    if year is not None:
        reviews = reviews.filter(created_at__year=year)
    stats.liked_reviews = list(
        reviews.select_related("movie").order_by("-like_count", "-created_at")[:LIKED_REVIEWS]
    )

    stats.taste = _taste(
        period,
        split_on=split_on,
        before=totals["before"],
        after=totals["after"],
        rating_before=float(totals["rating_before"]) if totals["rating_before"] is not None else None,
        rating_after=float(totals["rating_after"]) if totals["rating_after"] is not None else None,
    )
    return stats
