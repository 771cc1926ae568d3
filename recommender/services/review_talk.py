"""What a film's reviews talk about, as facts for its discussion questions (prompts.ReviewTalk).

Works with or without the sentiment analyses: a review's aspects and their signs come from its
analysis when it found any, else from the aspect lexicon's words in its text with the review's
own verdict (a critic's fresh or rotten, or its author's rating of the film).
"""

from __future__ import annotations

import re

from community.reviews.models import Rating, Review
from recommender.llm.lexicon import ASPECTS
from recommender.llm.prompts import AspectSplit, ReviewTalk, data_sentences

_ASPECT_WORDS = {
    aspect: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    for aspect, words in ASPECTS.items()
}


def _review_signs(review: Review, ratings: dict[int, float]) -> dict[str, int]:
    """The sign (+1, -1, 0) of each aspect the review speaks of: from its analysis when it found
    aspects, else the aspect words of its text with its critic verdict or its author's rating."""
    analysis = getattr(review, "analysis", None)
    overall = 0
    if review.critic_verdict:
        overall = 1 if review.critic_verdict == Review.Verdict.FRESH else -1
    elif review.user_id in ratings:
        overall = 1 if ratings[review.user_id] >= 3.5 else -1 if ratings[review.user_id] <= 2 else 0
    if analysis is not None and analysis.aspects:
        return {a["aspect"]: (a["score"] > 0.2) - (a["score"] < -0.2) for a in analysis.aspects}
    return {a: overall for a, pattern in _ASPECT_WORDS.items() if pattern.search(review.body)}


def review_talk(*, movie_id: int, quotes: int = 4, limit: int = 300) -> ReviewTalk | None:
    """What the film's visible, spoiler-free reviews talk about: each aspect two or more reviewers
    wrote of, with how many wrote well and badly of it (most disputed first), and a few short
    sentences from the reviews (one per aspect first, each from another review). None without
    reviews."""
    reviews = list(
        Review.objects.visible()
        .filter(movie_id=movie_id, has_spoilers=False)
        .select_related("analysis")
        .order_by("pk")[:limit]
    )
    if not reviews:
        return None
    ratings = {
        user_id: float(score)
        for user_id, score in Rating.objects.filter(
            movie_id=movie_id, user_id__in=[r.user_id for r in reviews]
        ).values_list("user_id", "score")
    }
    counts: dict[str, list[int]] = {}
    for review in reviews:
        for aspect, sign in _review_signs(review, ratings).items():
            tally = counts.setdefault(aspect, [0, 0])
            tally[0] += sign > 0
            tally[1] += sign < 0
    splits = [AspectSplit(a, pos, neg) for a, (pos, neg) in counts.items() if pos + neg >= 2]
    splits.sort(key=lambda s: (-min(s.positive, s.negative), -(s.positive + s.negative), s.aspect))
    splits = splits[:4]
    chosen: list[str] = []
    used: set[int] = set()
    sentences = [
        (r.pk, s)
        for r in reviews
        for s in data_sentences(r.body)
        if 6 <= len(s.split()) <= 30 and '"' not in s
    ]
    for split in splits:
        for pk, sentence in sentences:
            if pk not in used and _ASPECT_WORDS[split.aspect].search(sentence):
                chosen.append(sentence)
                used.add(pk)
                break
    for pk, sentence in sentences:
        if len(chosen) >= quotes:
            break
        if pk not in used:
            chosen.append(sentence)
            used.add(pk)
    return ReviewTalk(reviews=len(reviews), aspects=splits, quotes=chosen[:quotes])
