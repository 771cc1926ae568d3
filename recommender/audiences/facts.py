"""The counts "What audiences say" is written from, over a film's visible analysed reviews.

Counted: reviews nobody has hid (`Review.objects.visible()`) that have an analysis. A deleted
account's reviews are deleted with it, so they never count. Two variants: `spoiler_free`
(reviews marked as spoilers left out) and `with_spoilers` (all of them, only built when the
film has reviews marked as spoilers, since otherwise it would say the same). A variant needs
at least MIN_REVIEWS reviews.

Per review and aspect, the review's mentions of the aspect decide: mostly positive mentions
praise it, mostly negative ones criticise it, an even split does neither. An aspect is a
point when at least MIN_ASPECT_REVIEWS reviews mention it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from community.movies.models import Movie
from community.reviews.models import Review
from recommender.insight.services import ASPECTS
from recommender.llm.audiences_prompts import ReaderAspect, ReaderFacts
from recommender.llm.prompts import Facts, MovieFacts, UserFacts, data_sentences

MIN_REVIEWS = 5
MIN_ASPECT_REVIEWS = 3
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 4, 25
SPOILER_FREE, WITH_SPOILERS = "spoiler_free", "with_spoilers"
LABEL_POINTS = ("positive", "negative", "mixed")


def point_slug(point: str) -> str:
    """An aspect or a label as it appears in a URL ("emotional impact" -> "emotional-impact")."""
    return point.replace(" ", "-")


def point_from_slug(slug: str) -> str | None:
    point = slug.replace("-", " ")
    return point if point in ASPECTS or point in LABEL_POINTS else None


@dataclass
class CountedReview:
    pk: int
    has_spoilers: bool
    body: str
    label: str
    aspects: list[dict[str, Any]]
    analysed_at: datetime


@dataclass
class Variant:
    """One variant's facts and what the page needs beside them."""

    name: str
    facts: Facts
    review_ids: list[int]
    quotes: list[dict[str, Any]] = field(default_factory=list)
    data_until: datetime | None = None


def counted_reviews(movie_id: int) -> list[CountedReview]:
    """The film's visible analysed reviews (one query)."""
    rows = (
        Review.objects.visible()
        .filter(movie_id=movie_id, analysis__isnull=False)
        .values_list(
            "pk", "has_spoilers", "body", "analysis__label", "analysis__aspects", "analysis__analysed_at"
        )
        .order_by("pk")
    )
    return [
        CountedReview(pk, spoiler, body, label, aspects or [], at)
        for pk, spoiler, body, label, aspects, at in rows
    ]


def review_verdicts(review: CountedReview) -> dict[str, str]:
    """aspect -> "positive", "negative" or "mixed" for the aspects this review mentions."""
    tally: dict[str, Counter[str]] = {}
    for item in review.aspects:
        aspect = item.get("aspect")
        if aspect in ASPECTS:
            tally.setdefault(aspect, Counter())[item.get("sentiment", "mixed")] += 1
    out = {}
    for aspect, c in tally.items():
        out[aspect] = (
            "positive"
            if c["positive"] > c["negative"]
            else "negative"
            if c["negative"] > c["positive"]
            else "mixed"
        )
    return out


def _quotable(sentence: str, body: str) -> bool:
    words = len(sentence.split())
    return (
        QUOTE_MIN_WORDS <= words <= QUOTE_MAX_WORDS
        and sentence in body  # verbatim: the page quotes the review's own characters
        and '"' not in sentence
        and "“" not in sentence
        and data_sentences(sentence) == [sentence]  # nothing that reads like an instruction
    )


def _quote_for(
    reviews: list[CountedReview], aspect: str, sentiment: str, taken: set[int]
) -> dict[str, Any] | None:
    """The strongest verbatim sentence about `aspect` with `sentiment`, from a review not yet quoted."""
    best: tuple[float, dict[str, Any]] | None = None
    for review in reviews:
        if review.pk in taken:
            continue
        for item in review.aspects:
            sentence = (item.get("sentence") or "").strip()
            if (
                item.get("aspect") != aspect
                or item.get("sentiment") != sentiment
                or not _quotable(sentence, review.body)
            ):
                continue
            strength = abs(float(item.get("score", 0.0)))
            if best is None or strength > best[0]:
                best = (
                    strength,
                    {"text": sentence, "review_id": review.pk, "aspect": aspect, "sentiment": sentiment},
                )
    return best[1] if best else None


def pick_quotes(reviews: list[CountedReview], audience: ReaderFacts) -> list[dict[str, Any]]:
    """Two short verbatim quotes: one for the most praised point, one for the most criticised;
    the next most praised (or the praised point's critics) when one side has none."""
    wanted: list[tuple[str, str]] = []
    if audience.most_praised:
        wanted.append((audience.most_praised, "positive"))
    if audience.most_criticised:
        wanted.append((audience.most_criticised, "negative"))
    ranked = sorted(
        (a for a in audience.aspects if isinstance(a, ReaderAspect)), key=lambda a: (-a.praising, a.aspect)
    )
    wanted += [(a.aspect, "positive") for a in ranked if a.praising] + [
        (a.aspect, "negative") for a in ranked if a.criticising
    ]
    quotes: list[dict[str, Any]] = []
    taken: set[int] = set()
    for aspect, sentiment in dict.fromkeys(wanted):
        quote = _quote_for(reviews, aspect, sentiment, taken)
        if quote:
            quotes.append(quote)
            taken.add(quote["review_id"])
        if len(quotes) == 2:
            break
    return quotes


def build_facts(movie: Movie, reviews: list[CountedReview], *, spoilers_included: bool) -> Variant | None:
    """One variant's counts, or None with fewer than MIN_REVIEWS reviews."""
    if len(reviews) < MIN_REVIEWS:
        return None
    labels = Counter(r.label for r in reviews)
    n = len(reviews)
    per_aspect: dict[str, Counter[str]] = {}
    for review in reviews:
        for aspect, verdict in review_verdicts(review).items():
            per_aspect.setdefault(aspect, Counter())[verdict] += 1
    aspects = []
    for aspect in ASPECTS:
        c = per_aspect.get(aspect)
        mentioned = sum(c.values()) if c else 0
        if not c or mentioned < MIN_ASPECT_REVIEWS:
            continue
        aspects.append(
            ReaderAspect(
                aspect=aspect,
                reviewers=mentioned,
                positive_pct=round(100 * c["positive"] / mentioned),
                negative_pct=round(100 * c["negative"] / mentioned),
                praising=c["positive"],
                criticising=c["negative"],
            )
        )
    praised = max(
        (a for a in aspects if a.praising >= 2 and a.positive_pct >= 50),
        key=lambda a: (a.praising, a.positive_pct),
        default=None,
    )
    criticised = max(
        (a for a in aspects if a.criticising >= 2 and a.negative_pct >= 25),
        key=lambda a: (a.criticising, a.negative_pct),
        default=None,
    )
    audience = ReaderFacts(
        analysed=n,
        net_sentiment=round((labels["positive"] - labels["negative"]) / n, 2),
        aspects=list(aspects),
        most_praised=praised.aspect if praised else "",
        most_criticised=criticised.aspect if criticised and criticised is not praised else "",
        positive=labels["positive"],
        negative=labels["negative"],
        mixed=n - labels["positive"] - labels["negative"],
        spoilers_included=spoilers_included,
    )
    quotes = pick_quotes(reviews, audience)
    for item in aspects:  # the grounding's verbatim check reads quotes from the aspects
        item.quotes = [q["text"] for q in quotes if q["aspect"] == item.aspect]
    facts = Facts(movie=MovieFacts(title=movie.title, year=movie.year), user=UserFacts(), audience=audience)
    return Variant(
        name=WITH_SPOILERS if spoilers_included else SPOILER_FREE,
        facts=facts,
        review_ids=[r.pk for r in reviews],
        quotes=quotes,
        data_until=max(r.analysed_at for r in reviews),
    )


def film_variants(movie: Movie) -> dict[str, Variant]:
    """The film's variants that can have a text now (none, one or both)."""
    reviews = counted_reviews(movie.pk)
    out: dict[str, Variant] = {}
    free = build_facts(movie, [r for r in reviews if not r.has_spoilers], spoilers_included=False)
    if free is not None:
        out[SPOILER_FREE] = free
    if any(r.has_spoilers for r in reviews):
        full = build_facts(movie, reviews, spoilers_included=True)
        if full is not None:
            out[WITH_SPOILERS] = full
    return out


_PRAISE = re.compile(r"\b(?:prais\w*|positive|admir\w*|lov\w*|enjoy\w*|applaud\w*|laud\w*)\b", re.I)
_BLAME = re.compile(r"\b(?:criticis\w*|criticiz\w*|negative|complain\w*|fault\w*|dislik\w*|pan\w*)\b", re.I)


def sentence_points(text: str, facts: Facts) -> list[dict[str, Any]]:
    """Each sentence of a text with the lists of reviews behind it: the aspects it speaks of,
    or, for a sentence on the reception as a whole, the positive or negative reviews."""
    from recommender.llm.audiences_checks import aspects_named
    from recommender.llm.grounding import sentences

    audience = facts.audience
    assert isinstance(audience, ReaderFacts)
    counts = {a.aspect: a.reviewers for a in audience.aspects}
    out = []
    for sentence in sentences(text):
        points = [
            {"point": a, "name": f"the {a}", "reviews": counts[a]} for a in aspects_named(sentence, facts)
        ]
        if not points:
            if _PRAISE.search(sentence) and audience.positive:
                points.append({"point": "positive", "name": "positive reviews", "reviews": audience.positive})
            if _BLAME.search(sentence) and audience.negative:
                points.append({"point": "negative", "name": "negative reviews", "reviews": audience.negative})
        out.append({"text": sentence, "points": points})
    return out
