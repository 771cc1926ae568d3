"""Characters, performers and moments of one film, for `film_insight_refresh`.

The text analysis itself (names in the plot, mentions and moments in review sentences) is
`recommender.insight.mentions`; this module feeds it a film's plot, cast and analysed review
sentences and turns what it finds into the stored shapes of `FilmInsight.characters` and
`FilmInsight.moments`.

Sentence sentiment: a review sentence that is one of its analysis's aspect evidence
sentences takes that aspect item's score (the mean when it backs several aspects); any
other sentence takes the review analysis's overall score. So "Crane is a chilling villain."
scores as the sentiment model scored it, and a sentence the model did not single out scores
as its review does.

Quotes: verbatim sentences of at most 300 characters, never from a review without a living
author, at most one per review. Sentences of reviews marked as spoilers are kept, flagged
`"spoiler": true`; the selectors drop them unless the studio opted in. The stored list
holds the three best quotes of the whole pool followed by the best non-spoiler ones that
are not among them, so the first three allowed quotes are the best for either setting.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from recommender.insight.mentions import (
    film_characters,
    mention_counts,
    parse_cast,
    split_sentences,
)
from recommender.insight.moments import film_moments

QUOTES = 3
QUOTE_MAX_CHARS = 300
MOMENTS_KEPT = 20  # the most-mentioned moments; the console shows at most this many
MOMENT_MIN_REVIEWS = 2

Sentence = tuple[int, str, float]  # (review id, sentence, score)


def _normal(text: str) -> str:
    return " ".join(text.split())


def review_sentences(reviews: list[dict[str, Any]]) -> list[Sentence]:
    """Every sentence of the reviews' bodies with its sentiment score (see the module doc).

    Each review is a dict with "pk", "body", "score" (the analysis's overall score) and
    "aspects" (the analysis's items with "sentence" and "score").
    """
    out: list[Sentence] = []
    for review in reviews:
        evidence: dict[str, list[float]] = defaultdict(list)
        for item in review["aspects"] or []:
            sentence = _normal(item.get("sentence") or "")
            if sentence:
                evidence[sentence].append(float(item.get("score", 0.0)))
        overall = float(review["score"] or 0.0)
        for sentence in split_sentences(review["body"] or ""):
            scores = evidence.get(_normal(sentence))
            out.append((review["pk"], sentence, round(sum(scores) / len(scores), 3) if scores else overall))
    return out


def merge_quotes(best: list[dict[str, Any]], safe: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The quotes picked from the whole pool, then the non-spoiler picks not among them.

    A sentence that a spoiler review and a non-spoiler review both wrote is no spoiler: it
    is kept once, unflagged.
    """
    merged = [dict(q) for q in best]
    for quote in safe:
        same = next((q for q in merged if q["text"] == quote["text"]), None)
        if same is None:
            merged.append(dict(quote))
        else:
            same["spoiler"] = False
    return merged


def _quotes(hits: list[Sentence], reviews: dict[int, dict[str, Any]], positive_first: bool) -> list[dict]:
    """Up to three quotes from the whole pool, then the best non-spoiler ones not among them."""
    candidates = []
    for review_id, text, score in hits:
        review = reviews[review_id]
        text = text.strip()
        if review["user_id"] is None or not text or len(text) > QUOTE_MAX_CHARS:
            continue
        candidates.append((review_id, text, score, bool(review["has_spoilers"])))
    # The strongest sentences in the direction the entry leans, shorter first on ties.
    sign = -1 if positive_first else 1
    candidates.sort(key=lambda c: (sign * c[2], len(c[1]), c[1], c[0]))

    def pick(pool: list[tuple[int, str, float, bool]]) -> list[tuple[int, str, float, bool]]:
        chosen: list[tuple[int, str, float, bool]] = []
        for candidate in pool:
            if len(chosen) == QUOTES:
                break
            if all(candidate[0] != c[0] and candidate[1] != c[1] for c in chosen):
                chosen.append(candidate)
        return chosen

    best = pick(candidates)
    safe = [c for c in pick([c for c in candidates if not c[3]]) if c not in best]
    return [
        {"text": text, "sentiment": score, "spoiler": spoiler} for _r, text, score, spoiler in best + safe
    ]


def _entry(hits: list[Sentence], reviews: dict[int, dict[str, Any]]) -> dict[str, Any]:
    sentiment = round(sum(s for _r, _t, s in hits) / len(hits), 3) if hits else None
    quotable = {r for r, _t, _s in hits if reviews[r]["user_id"] is not None}
    return {
        "reviewers": len({reviews[r]["user_id"] for r, _t, _s in hits}),
        "mentions": len(hits),
        "sentiment": sentiment,
        # Distinct living authors who could supply a quote, with and without spoiler reviews.
        "quote_reviewers": len({reviews[r]["user_id"] for r in quotable if not reviews[r]["has_spoilers"]}),
        "quote_reviewers_with_spoilers": len({reviews[r]["user_id"] for r in quotable}),
        "quotes": _quotes(hits, reviews, positive_first=(sentiment or 0.0) >= 0),
    }


def film_characters_and_moments(
    *, title: str, plot: str, cast_names: str, reviews: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The film's stored `characters` and `moments` (shapes in recommender.insight.models).

    `reviews` are the film's visible, analysed reviews as dicts with "pk", "user_id",
    "has_spoilers", "body", "score" and "aspects". Characters come from the plot (with
    their actor where the plot pairs them), performers from the cast list; every one is
    kept, with zero mentions if no review names them. Moments are phrases at least two
    reviews use, the 20 most mentioned. Deterministic: the same input gives the same lists.
    """
    by_id = {r["pk"]: r for r in reviews}
    sentences = review_sentences(reviews)
    characters = film_characters(plot=plot, cast_names=cast_names, film_title=title) if plot else []
    performers = parse_cast(cast_names)
    performers += [c.actor for c in characters if c.actor and c.actor not in performers]
    mentions = mention_counts(
        sentences=sentences, characters=characters, performers=performers, film_title=title
    )
    stored_characters = [
        {
            "kind": data["kind"],
            "name": data["name"],
            "actor": data["actor"],
            **_entry(list(data["sentences"]), by_id),  # type: ignore[call-overload]
        }
        for data in mentions.values()
    ]
    moments = film_moments(sentences=sentences, min_reviews=MOMENT_MIN_REVIEWS, film_title=title)
    stored_moments = [
        {"phrase": m.phrase, **_entry(list(m.sentences), by_id)} for m in moments[:MOMENTS_KEPT]
    ]
    return stored_characters, stored_moments
