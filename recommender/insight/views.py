"""The studio console's pages (server-rendered) and their CSV downloads.

Thin views: a form checks the query string, a selector reads the stored aggregates, the
template draws them. Every page is scoped to the member's own studios: others are a 404.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.core.members import signed_in_member
from recommender.insight import selectors

PAGE_SIZE = 50
FILM_TABLES = ("histogram", "series", "aspects", "characters", "moments", "segments", "benchmarks")
SORT_CHOICES = [(k, k) for k in selectors.PORTFOLIO_SORTS] + [
    (f"-{k}", f"-{k}") for k in selectors.PORTFOLIO_SORTS
]


class PortfolioForm(forms.Form):
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    year = forms.IntegerField(min_value=1800, max_value=2100, required=False)
    genre = forms.SlugField(max_length=50, required=False)
    page = forms.IntegerField(min_value=1, max_value=100000, required=False)


class CompareForm(forms.Form):
    films = forms.CharField(max_length=200, required=False, help_text="Two to four film ids, comma-separated")

    def clean_films(self) -> list[int]:
        raw = self.cleaned_data.get("films") or ""
        parts = [p for p in re.split(r"[,\s]+", raw.strip()) if p]
        if not all(p.isdigit() and len(p) < 10 for p in parts):
            raise forms.ValidationError("Give film ids as numbers separated by commas.")
        ids = list(dict.fromkeys(int(p) for p in parts))
        if not 2 <= len(ids) <= selectors.MAX_COMPARE:
            raise forms.ValidationError("Choose two to four films to compare.")
        return ids


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return response


def _few(value: Any) -> Any:
    return selectors.FEWER if value is None else value


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv" or request.path.endswith("/export.csv")


@login_required
def studio_home(request: HttpRequest) -> HttpResponse:
    studios = list(selectors.member_studios(user=signed_in_member(request)))
    if not studios:
        raise Http404("You belong to no studio.")
    if len(studios) == 1:
        return redirect("recommender:studio_portfolio", slug=studios[0].slug)
    return render(request, "insight/studios.html", {"studios": studios})


@login_required
def portfolio(request: HttpRequest, slug: str) -> HttpResponse:
    studio = selectors.studio_for_member(user=signed_in_member(request), slug=slug)
    form = PortfolioForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    sort = params.get("sort") or selectors.DEFAULT_SORT
    films = selectors.studio_portfolio(
        studio=studio, sort=sort, year=params.get("year"), genre=params.get("genre")
    )
    if _wants_csv(request):
        rows = [selectors.portfolio_row(m) for m in films]
        return _csv(
            f"{studio.slug}-portfolio.csv",
            [
                "film_id",
                "title",
                "year",
                "average_rating",
                "ratings",
                "reviews",
                "net_sentiment",
                "most_praised",
                "most_criticised",
                "trend",
                "trend_text",
            ],
            [
                [
                    r["movie_id"],
                    r["title"],
                    r["year"],
                    r["average"],
                    _few(r["ratings"]),
                    _few(r["reviews"]),
                    r["net_sentiment"],
                    r["most_praised"],
                    r["most_criticised"],
                    r["trend"],
                    r["trend_text"],
                ]
                for r in rows
            ],
        )
    page = Paginator(films, PAGE_SIZE).get_page(params.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    for key in ("page", "sort", "format"):
        sort_query.pop(key, None)
    context = {
        "studio": studio,
        "form": form,
        "rows": [selectors.portfolio_row(m) for m in page.object_list],
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "filters": selectors.portfolio_filters(studio=studio),
        "year": params.get("year"),
        "genre": params.get("genre") or "",
        "columns": [
            ("title", "Film"),
            ("year", "Year"),
            ("average", "Avg rating"),
            ("ratings", "Ratings"),
            ("reviews", "Reviews"),
            ("sentiment", "Net sentiment"),
        ],
    }
    return render(request, "insight/portfolio.html", context)


def _favourite_cell(entries: list[dict[str, Any]], rank: int) -> str:
    if rank >= len(entries):
        return ""
    e = entries[rank]
    return f"{e['name']} ({e['kind']}, {e['reviewers']} reviewers): {e['sentiment']:+.3f}"


def _quote_cells(quotes: list[dict[str, Any]]) -> list[str]:
    texts = [f"{q['text']} [spoiler]" if q["spoiler"] else q["text"] for q in quotes]
    return texts + [""] * (3 - len(texts))


def _film_csv(studio_slug: str, film: dict[str, Any], table: str) -> HttpResponse:
    name = f"{studio_slug}-film-{film['movie']['id']}-{table}.csv"
    if table == "histogram":
        return _csv(name, ["stars", "ratings"], [[h["stars"], _few(h["ratings"])] for h in film["histogram"]])
    if table == "series":
        return _csv(
            name,
            ["period", "ratings", "average_rating", "analysed_reviews", "net_sentiment"],
            [
                [p["period"], _few(p["ratings"]), p["average"], _few(p["reviews"]), p["net_sentiment"]]
                for p in film["series"]
            ],
        )
    if table == "aspects":
        return _csv(
            name,
            [
                "aspect",
                "reviewers",
                "mentions",
                "positive_share",
                "negative_share",
                "net_share",
                "benchmark",
                "quote_1",
                "quote_2",
                "quote_3",
            ],
            [
                [
                    a["aspect"],
                    _few(a["reviewers"]),
                    _few(a["mentions"]),
                    a["positive_share"],
                    a["negative_share"],
                    a["net_share"],
                    a["benchmark"],
                    *_quote_cells(a["quotes"]),
                ]
                for a in film["aspects"]
            ],
        )
    if table == "characters":
        return _csv(
            name,
            [
                "kind",
                "name",
                "played_by",
                "reviewers",
                "mentions",
                "net_sentiment",
                "quote_1",
                "quote_2",
                "quote_3",
            ],
            [
                [
                    c["kind"],
                    c["name"],
                    c["actor"],
                    _few(c["reviewers"]),
                    _few(c["mentions"]),
                    c["sentiment"],
                    *_quote_cells(c["quotes"]),
                ]
                for c in film["characters"]
            ],
        )
    if table == "moments":
        return _csv(
            name,
            ["moment", "reviewers", "mentions", "net_sentiment", "quote_1", "quote_2", "quote_3"],
            [
                [
                    m["phrase"],
                    _few(m["reviewers"]),
                    _few(m["mentions"]),
                    m["sentiment"],
                    *_quote_cells(m["quotes"]),
                ]
                for m in film["moments"]
            ],
        )
    if table == "segments":
        return _csv(
            name,
            ["kind", "segment", "raters", "average_rating", "segment_own_average", "difference"],
            [
                [s["kind"], s["name"], _few(s["raters"]), s["average"], s["own_average"], s["difference"]]
                for s in film["segments"]
            ],
        )
    return _csv(
        name,
        ["figure", "film", "median_of_comparable_films", "difference"],
        [[r["figure"], r["film"], r["median"], r["difference"]] for r in film["benchmarks"]["rows"]],
    )


@login_required
def film(request: HttpRequest, slug: str, movie_id: int) -> HttpResponse:
    studio = selectors.studio_for_member(user=signed_in_member(request), slug=slug)
    data = selectors.film_insight(studio=studio, movie_id=movie_id)
    if _wants_csv(request):
        table = request.GET.get("table", "series")
        if table not in FILM_TABLES:
            return HttpResponse(
                f"table must be one of: {', '.join(FILM_TABLES)}", status=400, content_type="text/plain"
            )
        return _film_csv(studio.slug, data, table)
    return render(request, "insight/film.html", {"studio": studio, "film": data, "tables": FILM_TABLES})


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    studio = selectors.studio_for_member(user=signed_in_member(request), slug=slug)
    # ?films=1,2,3 or the portfolio's ticked boxes (?film=1&film=2)
    raw = request.GET.get("films") or ",".join(request.GET.getlist("film"))
    form = CompareForm({"films": raw} if ("films" in request.GET or "film" in request.GET) else None)
    films = selectors.compare(studio=studio, movie_ids=form.cleaned_data["films"]) if form.is_valid() else []
    if films and _wants_csv(request):
        header = ["figure", *[f"{f['movie']['title']} ({f['movie']['year'] or 'n/a'})" for f in films]]
        rows = [
            ["Average rating", *[f["summary"]["average"] for f in films]],
            ["Ratings", *[_few(f["summary"]["ratings"]) for f in films]],
            ["Reviews", *[_few(f["summary"]["reviews"]) for f in films]],
            ["Net sentiment", *[f["summary"]["net_sentiment"] for f in films]],
            ["Trend", *[f["trend"].get("text") or f["summary"]["trend_text"] for f in films]],
        ]
        for rank in range(selectors.FAVOURITES):
            rows.append([f"Loved most #{rank + 1}", *[_favourite_cell(f["loved_most"], rank) for f in films]])
        for rank in range(selectors.FAVOURITES):
            rows.append(
                [f"Liked least #{rank + 1}", *[_favourite_cell(f["liked_least"], rank) for f in films]]
            )
        for aspect in selectors.ASPECTS:
            rows.append(
                [
                    f"{aspect} net share",
                    *[
                        next((a["net_share"] for a in f["aspects"] if a["aspect"] == aspect), None)
                        for f in films
                    ],
                ]
            )
        return _csv(f"{studio.slug}-compare.csv", header, rows)
    status = 400 if form.is_bound and not form.is_valid() else 200
    aspects = [
        {
            "label": selectors.ASPECT_LABELS[aspect],
            "cells": [next((a for a in f["aspects"] if a["aspect"] == aspect), None) for f in films],
        }
        for aspect in selectors.ASPECTS
    ]
    return render(
        request,
        "insight/compare.html",
        {"studio": studio, "form": form, "films": films, "aspects": aspects, "films_param": raw},
        status=status,
    )
