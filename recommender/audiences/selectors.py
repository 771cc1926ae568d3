"""What the movie page and the API show of "What audiences say" (one reader for both), and the
reviews behind a point.

A stored text is shown only while every review it counted is still counted in its variant
(visible, analysed, and for the spoiler-free text not marked as a spoiler) and every review it
quotes still holds the quote verbatim; otherwise nothing is shown until the task writes it
again (it is due then). Two queries whatever the number of reviews.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.urls import reverse

from community.movies.models import Movie
from community.reviews.models import Review
from recommender.audiences.facts import SPOILER_FREE, WITH_SPOILERS, point_from_slug, point_slug
from recommender.audiences.models import AudienceNote


class PointShown(TypedDict):
    point: str  # an aspect ("acting") or a label ("positive")
    name: str
    reviews: int
    url: str


class SentenceShown(TypedDict):
    text: str
    points: list[PointShown]


class QuoteShown(TypedDict):
    text: str
    review_id: int
    aspect: str
    sentiment: str
    url: str


class AudiencesShown(TypedDict):
    variant: str
    text: str
    sentences: list[SentenceShown]
    quotes: list[QuoteShown]
    reviews: int  # reviews counted
    spoilers_included: bool
    model_name: str
    model_version: str
    data_until: Any
    generated_at: Any


def _point_url(movie: Movie, point: str, *, spoilers: bool, review_id: int | None = None) -> str:
    url = reverse("recommender:audience_reviews", args=[movie.slug, point_slug(point)])
    query = [q for q in ("spoilers=1" if spoilers else "", f"review={review_id}" if review_id else "") if q]
    url += ("?" + "&".join(query)) if query else ""
    return url + (f"#review-{review_id}" if review_id else "")


def _shown(movie: Movie, row: AudienceNote) -> AudiencesShown:
    spoilers = row.variant == WITH_SPOILERS
    return {
        "variant": row.variant,
        "text": row.text,
        "sentences": [
            {
                "text": s["text"],
                "points": [
                    {
                        "point": p["point"],
                        "name": p["name"],
                        "reviews": p["reviews"],
                        "url": _point_url(movie, p["point"], spoilers=spoilers),
                    }
                    for p in s.get("points", [])
                ],
            }
            for s in row.sentences
        ],
        "quotes": [
            {
                "text": q["text"],
                "review_id": q["review_id"],
                "aspect": q["aspect"],
                "sentiment": q["sentiment"],
                "url": _point_url(movie, q["aspect"], spoilers=spoilers, review_id=q["review_id"]),
            }
            for q in row.quotes
        ],
        "reviews": row.analysed_count,
        "spoilers_included": spoilers,
        "model_name": row.model_name,
        "model_version": row.model_version,
        "data_until": row.data_until,
        "generated_at": row.generated_at,
    }


def audiences_shown(*, movie: Movie) -> dict[str, AudiencesShown | None]:
    """{"spoiler_free": ..., "with_spoilers": ...}: each variant's text as shown, or None.

    `with_spoilers` is None when the film has no reviews marked as spoilers (the spoiler-free
    text then counts every review) or its text cannot be shown.
    """
    rows = [
        row
        for row in AudienceNote.objects.filter(movie_id=movie.pk).exclude(text="").defer("facts", "failures")
        if row.variant in (SPOILER_FREE, WITH_SPOILERS)
    ]
    out: dict[str, AudiencesShown | None] = {SPOILER_FREE: None, WITH_SPOILERS: None}
    if not rows:
        return out
    counted = {pk for row in rows for pk in row.review_ids}
    quoted = {q["review_id"] for row in rows for q in row.quotes}
    current = {
        pk: (spoiler, body)
        for pk, spoiler, body in Review.objects.visible()
        .filter(pk__in=counted | quoted, analysis__isnull=False)
        .annotate(
            quoted_body=Case(When(pk__in=quoted, then=F("body")), default=Value(""), output_field=TextField())
        )
        .values_list("pk", "has_spoilers", "quoted_body")
    }
    for row in rows:
        still_counted = all(
            pk in current and (row.variant == WITH_SPOILERS or not current[pk][0]) for pk in row.review_ids
        )
        quotes_hold = all(q["text"] in current.get(q["review_id"], (False, ""))[1] for q in row.quotes)
        if still_counted and quotes_hold:
            out[row.variant] = _shown(movie, row)
    return out


def audiences_for_reader(*, movie: Movie, spoilers: bool) -> AudiencesShown | None:
    """The one text a reader gets: with spoilers when they asked and the film has that variant."""
    shown = audiences_shown(movie=movie)
    if spoilers and shown[WITH_SPOILERS] is not None:
        return shown[WITH_SPOILERS]
    return shown[SPOILER_FREE]


def point_reviews(*, movie: Movie, slug: str, spoilers: bool) -> tuple[str, QuerySet[Review]] | None:
    """The point a URL names and the visible analysed reviews behind it, newest first; None
    for an unknown point. An aspect's reviews are those whose analysis mentions it."""
    point = point_from_slug(slug)
    if point is None:
        return None
    reviews = (
        Review.objects.visible()
        .filter(movie=movie, analysis__isnull=False)
        .select_related("user", "analysis")
        .order_by("-created_at", "-pk")
    )
    if not spoilers:
        reviews = reviews.filter(has_spoilers=False)
    if point in ("positive", "negative", "mixed"):
        reviews = reviews.filter(analysis__label=point)
    else:
        reviews = reviews.filter(analysis__aspects__contains=[{"aspect": point}])
    return point, reviews


def point_sentences(review: Review, point: str) -> list[dict[str, Any]]:
    """What a review's analysis found about an aspect: [{"sentence", "sentiment"}]."""
    items = getattr(getattr(review, "analysis", None), "aspects", None) or []
    return [
        {"sentence": i.get("sentence", ""), "sentiment": i.get("sentiment", "")}
        for i in items
        if i.get("aspect") == point and i.get("sentence")
    ]
