"""What the studio console shows, read from the stored aggregates: one place for pages and API.

Every figure leaves here already masked: a count of fewer than 5 distinct members becomes
None (shown as "fewer than 5"), and the averages or shares it would reveal go with it.
Quotes are sentences without their author, from a pool of at least 5 reviewers; quotes
from reviews marked as spoilers only for a studio that opted in (`show_spoiler_quotes`). A studio
is only ever found through the member's own memberships, so another studio is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from community.accounts.models import User
from community.movies.models import Genre, Movie
from community.studios.models import Studio
from recommender.insight.models import FilmInsight, InsightBenchmark
from recommender.insight.services import ASPECT_LABELS, ASPECTS, MIN_MEMBERS
from recommender.insight.summary import audience_summary_shown

FEWER = "fewer than 5"
MAX_COMPARE = 4
QUOTES_SHOWN = 3
FAVOURITES = 3  # "what audiences love most" and "least": this many entries each
ARROWS = {"up": "↑", "down": "↓", "flat": "→", "": "–"}

# Sort keys of the portfolio (query parameter `sort`, "-" for descending) and their columns.
PORTFOLIO_SORTS = {
    "title": "title",
    "year": "year",
    "average": "insight__rating_average",
    "ratings": "insight__ratings_count",
    "reviews": "insight__reviews_count",
    "sentiment": "insight__net_sentiment",
    "trend": "insight__trend",
}
DEFAULT_SORT = "-ratings"


def few(count: int | None) -> int | None:
    """The count, or None when it counts fewer than 5 members."""
    return count if count is not None and count >= MIN_MEMBERS else None


# ---------------------------------------------------------------------------
# Studios and their films, scoped to the member
# ---------------------------------------------------------------------------


def member_studios(*, user: User) -> QuerySet[Studio]:
    if not user.is_authenticated:
        return Studio.objects.none()
    return Studio.objects.filter(memberships__user=user).order_by("name")


def member_has_studio(*, user: User) -> bool:
    return user.is_authenticated and member_studios(user=user).exists()


def studio_for_member(*, user: User, slug: str) -> Studio:
    """The member's studio with this slug; any other studio (or none) is a 404."""
    studio = member_studios(user=user).filter(slug=slug).first()
    if studio is None:
        raise Http404("No such studio.")
    return studio


def _studio_films(studio: Studio) -> QuerySet[Movie]:
    return studio.movies.select_related("insight")


# ---------------------------------------------------------------------------
# Portfolio
# ---------------------------------------------------------------------------


def trend_text(insight: FilmInsight | None) -> str:
    if insight is None or not insight.trend:
        return "Not enough ratings for a trend"
    d = insight.trend_detail
    word = {"up": "Rising", "down": "Falling", "flat": "Steady"}[insight.trend]
    months = d["months"]
    return (
        f"{word}: {d['recent_average']:.2f} in the last {months} months "
        f"against {d['previous_average']:.2f} in the {months} before"
    )


def trend_short(insight: FilmInsight | None) -> str:
    if insight is None or not insight.trend:
        return "Too few ratings"
    d = insight.trend_detail
    word = {"up": "Rising", "down": "Falling", "flat": "Steady"}[insight.trend]
    return f"{word} {d['change']:+.2f} ({d['months']} months)"


def _summary(insight: FilmInsight | None) -> dict[str, Any]:
    if insight is None:
        return {
            "ratings": 0,
            "average": None,
            "reviews": 0,
            "net_sentiment": None,
            "most_praised": "",
            "most_criticised": "",
            "trend": "",
            "trend_arrow": ARROWS[""],
            "trend_text": trend_text(None),
            "trend_short": trend_short(None),
        }
    enough_raters = insight.raters_count >= MIN_MEMBERS
    enough_reviewers = insight.reviewers_count >= MIN_MEMBERS
    return {
        "ratings": insight.ratings_count if enough_raters or not insight.ratings_count else None,
        "average": insight.rating_average if enough_raters else None,
        "reviews": insight.reviews_count
        if insight.reviews_count >= MIN_MEMBERS or not insight.reviews_count
        else None,
        "net_sentiment": insight.net_sentiment if enough_reviewers else None,
        "most_praised": insight.most_praised,
        "most_criticised": insight.most_criticised,
        "trend": insight.trend,
        "trend_arrow": ARROWS[insight.trend],
        "trend_text": trend_text(insight),
        "trend_short": trend_short(insight),
    }


def portfolio_row(movie: Movie) -> dict[str, Any]:
    insight = getattr(movie, "insight", None)
    return {"movie_id": movie.pk, "title": movie.title, "year": movie.year, **_summary(insight)}


def studio_portfolio(
    *, studio: Studio, sort: str = DEFAULT_SORT, year: int | None = None, genre: str | None = None
) -> QuerySet[Movie]:
    """The studio's films, filtered and ordered; map each with `portfolio_row` (after paging)."""
    films = _studio_films(studio)
    if year is not None:
        films = films.filter(year=year)
    if genre:
        films = films.filter(genres__slug=genre)
    key = sort.lstrip("-")
    column = PORTFOLIO_SORTS.get(key, PORTFOLIO_SORTS[DEFAULT_SORT.lstrip("-")])
    descending = sort.startswith("-") if key in PORTFOLIO_SORTS else True
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return films.order_by(order, "title", "pk").distinct()


def portfolio_filters(*, studio: Studio) -> dict[str, Any]:
    """The years and genres the studio's films have (for the filter form)."""
    years = sorted(
        {y for y in studio.movies.values_list("year", flat=True).distinct() if y is not None}, reverse=True
    )
    genres = list(
        Genre.objects.filter(movies__studios=studio).distinct().order_by("name").values("slug", "name")
    )
    return {"years": years, "genres": genres}


# ---------------------------------------------------------------------------
# One film
# ---------------------------------------------------------------------------


def _pct(value: float | None) -> int:
    return 0 if value is None else max(0, min(100, round(value * 100)))


def allowed_quotes(quotes: list[dict[str, Any]], *, show_spoilers: bool) -> list[dict[str, Any]]:
    """The first three stored quotes the studio may see: spoiler quotes only if it opted in."""
    allowed = [q for q in quotes if show_spoilers or not q.get("spoiler", False)]
    return [{**q, "spoiler": bool(q.get("spoiler", False))} for q in allowed[:QUOTES_SHOWN]]


def _quote_pool(data: dict[str, Any], show_spoilers: bool) -> int:
    """Distinct members who could supply the entry's quotes (under the studio's setting)."""
    if show_spoilers:
        return data.get("quote_reviewers_with_spoilers", data.get("quote_reviewers", 0))
    return data.get("quote_reviewers", 0)


def _mentioned(data: dict[str, Any], show_spoilers: bool) -> dict[str, Any]:
    """Reviewers, mentions, sentiment and quotes of a character, performer or moment, masked."""
    reviewers = data["reviewers"]
    enough = reviewers >= MIN_MEMBERS
    return {
        "reviewers": reviewers if enough or not reviewers else None,
        "mentions": data["mentions"] if enough or not reviewers else None,
        "sentiment": data["sentiment"] if enough else None,
        "quotes": allowed_quotes(data["quotes"], show_spoilers=show_spoilers)
        if enough and _quote_pool(data, show_spoilers) >= MIN_MEMBERS
        else [],
    }


def _rank_key(entry: dict[str, Any], label: str) -> tuple:
    """Most reviewers first, then the best liked; masked entries (1-4 reviewers) after those
    with 5 or more and before those nobody mentions, alphabetically, so the order reveals no
    hidden count."""
    reviewers = entry["reviewers"]
    sentiment = entry["sentiment"]
    return (
        -(reviewers if reviewers is not None else 1),
        -(sentiment if sentiment is not None else -2.0),
        entry[label].casefold(),
    )


def _characters(insight: FilmInsight, show_spoilers: bool) -> list[dict[str, Any]]:
    rows = [
        {"kind": c["kind"], "name": c["name"], "actor": c.get("actor"), **_mentioned(c, show_spoilers)}
        for c in insight.characters or []
    ]
    return sorted(rows, key=lambda r: _rank_key(r, "name"))


def _moments(insight: FilmInsight, show_spoilers: bool) -> list[dict[str, Any]]:
    rows = [{"phrase": m["phrase"], **_mentioned(m, show_spoilers)} for m in insight.moments or []]
    return sorted(rows, key=lambda r: _rank_key(r, "phrase"))


def _favourites(characters: list[dict[str, Any]], moments: list[dict[str, Any]]) -> dict[str, list]:
    """The characters, performers and moments with 5+ reviewers liked most and least."""
    pool = [
        {"kind": c["kind"], "name": c["name"], "reviewers": c["reviewers"], "sentiment": c["sentiment"]}
        for c in characters
        if c["reviewers"] is not None and c["reviewers"] >= MIN_MEMBERS and c["sentiment"] is not None
    ] + [
        {"kind": "moment", "name": m["phrase"], "reviewers": m["reviewers"], "sentiment": m["sentiment"]}
        for m in moments
        if m["reviewers"] is not None and m["reviewers"] >= MIN_MEMBERS and m["sentiment"] is not None
    ]
    # Loved means liked on balance: an entry reviewers are negative about is never "loved most",
    # however few entries there are (and a neutral one is neither).
    loved = sorted(
        (e for e in pool if e["sentiment"] > 0),
        key=lambda e: (-e["sentiment"], -e["reviewers"], e["kind"], e["name"].casefold()),
    )
    least = sorted(
        (e for e in pool if e["sentiment"] < 0),
        key=lambda e: (e["sentiment"], -e["reviewers"], e["kind"], e["name"].casefold()),
    )
    return {"loved_most": loved[:FAVOURITES], "liked_least": least[:FAVOURITES]}


def _film(
    movie: Movie,
    insight: FilmInsight | None,
    benchmark: InsightBenchmark | None,
    show_spoilers: bool = False,
) -> dict[str, Any]:
    summary = _summary(insight)
    out: dict[str, Any] = {
        "movie": {"id": movie.pk, "title": movie.title, "year": movie.year},
        "has_plot": bool((movie.plot or "").strip()),
        "show_spoiler_quotes": show_spoilers,
        "ready": insight is not None,
        "refreshed_at": insight.refreshed_at if insight else None,
        "data_until": insight.data_until if insight else None,
        "summary": summary,
    }
    if insight is None:
        out.update(
            histogram=[],
            series_granularity="month",
            series=[],
            aspects=[],
            characters=[],
            moments=[],
            loved_most=[],
            liked_least=[],
            segments=[],
            trend={},
            benchmarks=_benchmarks(None, None, {}),
        )
        return out
    counts = insight.histogram or [0] * 10
    total = sum(counts)
    out["histogram"] = [
        {
            "stars": (i + 1) / 2,
            "ratings": few(n) if n else 0,
            "share": (round(n / total, 3) if total and (n >= MIN_MEMBERS) else (0.0 if not n else None)),
        }
        for i, n in enumerate(counts)
    ]
    out["series_granularity"] = insight.series_granularity
    out["series"] = [
        {
            "period": p["period"],
            "ratings": few(p["ratings"]) if p["ratings"] else 0,
            "average": p["average"] if p["ratings"] >= MIN_MEMBERS else None,
            "reviews": few(p["reviews"]) if p["reviews"] else 0,
            "net_sentiment": p["net_sentiment"] if p["reviews"] >= MIN_MEMBERS else None,
        }
        for p in insight.series
    ]
    aspects: list[dict[str, Any]] = []
    bench_aspects = (benchmark.aspects if benchmark else {}) or {}
    for aspect in ASPECTS:
        data = (insight.aspects or {}).get(aspect)
        if not data:
            continue
        enough = data["reviewers"] >= MIN_MEMBERS
        mentions = data["mentions"]
        aspects.append(
            {
                "aspect": aspect,
                "label": ASPECT_LABELS[aspect],
                "reviewers": data["reviewers"] if enough else None,
                "mentions": mentions if enough else None,
                "positive_share": round(data["positive"] / mentions, 3) if enough else None,
                "negative_share": round(data["negative"] / mentions, 3) if enough else None,
                "net_share": data["net_share"] if enough else None,
                "benchmark": bench_aspects.get(aspect),
                "quotes": allowed_quotes(data["quotes"], show_spoilers=show_spoilers)
                if enough and _quote_pool(data, show_spoilers) >= MIN_MEMBERS
                else [],
            }
        )
    out["aspects"] = aspects
    out["characters"] = _characters(insight, show_spoilers)
    out["moments"] = _moments(insight, show_spoilers)
    out.update(_favourites(out["characters"], out["moments"]))
    out["segments"] = [
        {
            "kind": s["kind"],
            "name": s["name"],
            "raters": few(s["raters"]),
            "average": s["average"] if s["raters"] >= MIN_MEMBERS else None,
            "own_average": s["own_average"] if s["raters"] >= MIN_MEMBERS else None,
            "difference": s["difference"] if s["raters"] >= MIN_MEMBERS else None,
        }
        for s in insight.segments
    ]
    out["trend"] = {
        "direction": insight.trend,
        "arrow": ARROWS[insight.trend],
        "text": trend_text(insight),
        **{k: insight.trend_detail.get(k) for k in ("months", "recent_average", "previous_average")},
    }
    shares: dict[str, float | None] = {a["aspect"]: a["net_share"] for a in aspects}
    out["benchmarks"] = _benchmarks(insight, benchmark, shares) | {"rows": []}
    out["benchmarks"]["rows"] = _benchmark_rows(summary, shares, out["benchmarks"])
    return out


def _benchmarks(
    insight: FilmInsight | None, benchmark: InsightBenchmark | None, shares: dict[str, float | None]
) -> dict[str, Any]:
    group = ""
    if insight and insight.main_genre and insight.decade is not None:
        group = f"{insight.main_genre} films of the {insight.decade}s"
    return {
        "group": group,
        "films": benchmark.films if benchmark else 0,
        "rating_average": benchmark.rating_average if benchmark else None,
        "net_sentiment": benchmark.net_sentiment if benchmark else None,
        "aspects": dict((benchmark.aspects or {}) if benchmark else {}),
        "rows": [],
    }


def _difference(value: float | None, median: float | None) -> float | None:
    return None if value is None or median is None else round(value - median, 3)


def _benchmark_rows(summary: dict, shares: dict, bench: dict) -> list[dict[str, Any]]:
    rows = [
        ("Average rating", summary["average"], bench["rating_average"]),
        ("Net sentiment", summary["net_sentiment"], bench["net_sentiment"]),
    ]
    for aspect in ASPECTS:
        if aspect in shares or aspect in bench["aspects"]:
            rows.append(
                (f"{ASPECT_LABELS[aspect]} (net share)", shares.get(aspect), bench["aspects"].get(aspect))
            )
    return [
        {"figure": name, "film": value, "median": median, "difference": _difference(value, median)}
        for name, value, median in rows
    ]


def _benchmarks_for(insights: list[FilmInsight]) -> dict[tuple[str, int], InsightBenchmark]:
    groups = {(i.main_genre, i.decade) for i in insights if i.main_genre and i.decade is not None}
    if not groups:
        return {}
    genres = {g for g, _ in groups}
    return {
        (b.main_genre, b.decade): b
        for b in InsightBenchmark.objects.filter(main_genre__in=genres)
        if (b.main_genre, b.decade) in groups
    }


def film_insight(*, studio: Studio, movie_id: int) -> dict[str, Any]:
    """Everything the film page shows, masked; 404 when the film is not the studio's."""
    movie = _studio_films(studio).filter(pk=movie_id).first()
    if movie is None:
        raise Http404("No such film in this studio.")
    insight = getattr(movie, "insight", None)
    benchmark = _benchmarks_for([insight]).get((insight.main_genre, insight.decade)) if insight else None
    out = _film(movie, insight, benchmark, show_spoilers=studio.show_spoiler_quotes)
    out["audience_summary"] = audience_summary_shown(movie=movie, insight=insight)  # the AI paragraph
    return out


def compare(*, studio: Studio, movie_ids: list[int]) -> list[dict[str, Any]]:
    """Two to four of the studio's films side by side, in the order asked; 404 if one is not its."""
    wanted = list(dict.fromkeys(movie_ids))[:MAX_COMPARE]
    movies = {m.pk: m for m in _studio_films(studio).filter(pk__in=wanted)}
    if len(movies) != len(wanted):
        raise Http404("No such film in this studio.")
    insights = [m.insight for m in movies.values() if getattr(m, "insight", None) is not None]
    benchmarks = _benchmarks_for(insights)
    out = []
    for pk in wanted:
        insight = getattr(movies[pk], "insight", None)
        bench = benchmarks.get((insight.main_genre, insight.decade)) if insight else None
        out.append(_film(movies[pk], insight, bench, show_spoilers=studio.show_spoiler_quotes))
    return out


def bar_pct(value: float | None) -> int:
    """A share (0..1) as whole percents for the pct-N classes of site.css."""
    return _pct(value)
