"""Personalised texts written by the language model: review drafts, discussion
suggestions and recommendation explanations.

The facts given to the model come only from the database (the movie's metadata, the
user's own ratings, reviews and taste profile); every output is checked by
`recommender.llm.grounding` before it is stored, and a failing one is replaced by a
labelled template text (`GeneratedText.is_fallback`).
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from community.accounts.models import User
from community.discussions.models import Thread
from community.movies.models import Movie
from community.reviews.models import Rating, Review
from recommender import selectors_llm
from recommender.llm.prompts import Facts, MovieFacts, UserFacts
from recommender.models import GeneratedText, Recommendation, ReviewAnalysis, TasteProfile
from recommender.services.analysis import taste_profile_update
from recommender.services.budget import (
    GenerationBudgetSpent,
    generation_budget_charge,
    generation_budget_lock,
)
from recommender.services.review_talk import review_talk

log = logging.getLogger(__name__)

Kind = GeneratedText.Kind


def _names(value: str) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


def movie_facts(movie: Movie) -> MovieFacts:
    credits = list(movie.credits.select_related("person").order_by("role", "order"))
    directors = [c.person.name for c in credits if c.role == "director"] or _names(movie.director_names)
    cast = [c.person.name for c in credits if c.role == "cast"] or _names(movie.cast_names)
    return MovieFacts(
        title=movie.title,
        year=movie.year,
        genres=[g.name for g in movie.genres.all()],
        directors=directors[:2],
        cast=cast[:5],
        plot=movie.plot or "",
    )


def user_facts(*, user_id: int, exclude_movie_id: int | None = None) -> UserFacts:
    """The user's strongest ratings, latest reviews and taste profile, as prompt facts."""
    ratings = Rating.objects.filter(user_id=user_id)
    if exclude_movie_id is not None:
        ratings = ratings.exclude(movie_id=exclude_movie_id)
    ratings = (
        ratings.select_related("movie").prefetch_related("movie__genres").order_by("-score", "-updated_at")
    )
    top_rows = list(ratings[:3])
    low_rows = [r for r in ratings.order_by("score", "-updated_at")[:2] if r.score <= 2.5]
    top = [(r.movie.title, float(r.score)) for r in top_rows]
    low = [(r.movie.title, float(r.score)) for r in low_rows]
    reviews = Review.objects.visible().filter(user_id=user_id)
    if exclude_movie_id is not None:
        reviews = reviews.exclude(movie_id=exclude_movie_id)
    reviews = reviews.select_related("movie").order_by("-created_at")[:2]
    profile = TasteProfile.objects.filter(user_id=user_id).first()
    if profile is None and top_rows:
        # Members imported with their ratings (MovieLens) never rated through the site, so no
        # rating queued their profile: without it an explanation had no tastes to cite and the
        # model made some up ("your preferences for adventure, children, comedy").
        profile = taste_profile_update(user_id=user_id)
    prefs = (profile.preferences if profile else {}) or {}

    def pick(group: str, positive: bool, n: int = 3) -> list[str]:
        items = [(k, v) for k, v in (prefs.get(group) or {}).items() if (v > 0.15 if positive else v < -0.15)]
        items.sort(key=lambda kv: -abs(kv[1]))
        return [k for k, _ in items[:n]]

    return UserFacts(
        ratings=top + [x for x in low if x not in top],
        reviews=[(r.movie.title, r.body) for r in reviews],
        liked_aspects=pick("aspects", True),
        disliked_aspects=pick("aspects", False),
        liked_genres=pick("genres", True),
        disliked_genres=pick("genres", False),
        liked_people=pick("people", True, 2),
        genres_of={r.movie.title: [g.name for g in r.movie.genres.all()] for r in top_rows + low_rows},
    )


def disputed_aspects(*, movie_id: int, limit: int = 3) -> list[str]:
    """Aspects on which this movie's reviews disagree (both praised and criticised)."""
    scores: dict[str, list[float]] = {}
    for aspects in ReviewAnalysis.objects.filter(
        review__movie_id=movie_id, review__hidden_at__isnull=True
    ).values_list("aspects", flat=True):
        for a in aspects or []:
            scores.setdefault(a["aspect"], []).append(float(a["score"]))
    disputed = []
    for aspect, values in scores.items():
        pos = sum(v > 0.2 for v in values)
        neg = sum(v < -0.2 for v in values)
        if pos and neg:
            disputed.append((min(pos, neg) / max(pos, neg), aspect))
        elif len(values) == 1 and abs(values[0]) <= 0.2:
            disputed.append((0.1, aspect))
    disputed.sort(reverse=True)
    return [a for _, a in disputed[:limit]]


def writing_language(*, user_id: int, recent: int = 5) -> str:
    """ "zh" when most of the member's latest reviews are in Chinese, else "en": the language
    their drafts, questions and explanations are written in."""
    languages = list(
        Review.objects.visible()
        .filter(user_id=user_id)
        .order_by("-created_at")
        .values_list("language", flat=True)[:recent]
    )
    return "zh" if languages and languages.count("zh") * 2 > len(languages) else "en"


def facts_for(*, kind: str, user_id: int, movie: Movie) -> Facts:
    rating = Rating.objects.filter(user_id=user_id, movie=movie).values_list("score", flat=True).first()
    facts = Facts(
        movie=movie_facts(movie),
        user=user_facts(user_id=user_id, exclude_movie_id=movie.pk),
        rating=float(rating) if rating is not None else None,
        language=writing_language(user_id=user_id),
    )
    if kind == Kind.DISCUSSION_SUGGESTIONS:
        facts.disputed_aspects = disputed_aspects(movie_id=movie.pk)
        facts.review_talk = review_talk(movie_id=movie.pk)
    if kind == Kind.EXPLANATION:
        rec = Recommendation.objects.filter(user_id=user_id, movie=movie).order_by("rank").first()
        facts.reason = rec.reason if rec else ""
        _add_reason_anchor(facts, user_id=user_id)
    return facts


_ANCHOR = re.compile(r"\bBecause you rated (?P<title>.+?) \d(?:\.\d)? stars\b")


def _add_reason_anchor(facts: Facts, *, user_id: int) -> None:
    """The film the recommender's reason names ("Because you rated Schindler's List 4 stars")
    among the member's ratings in the facts, with its genres: it is often not among their top
    three, and the checks then turned down its title and its rating as not in the facts."""
    match = _ANCHOR.search(facts.reason)
    if not match or any(title == match.group("title") for title, _ in facts.user.ratings):
        return
    rating = (
        Rating.objects.filter(user_id=user_id, movie__title=match.group("title"))
        .select_related("movie")
        .prefetch_related("movie__genres")
        .first()
    )
    if rating is not None:
        facts.user.ratings.append((rating.movie.title, float(rating.score)))
        facts.user.genres_of[rating.movie.title] = [g.name for g in rating.movie.genres.all()]


def similar_threads(*, user_id: int, movie_id: int, limit: int = 3) -> list[int]:
    """Existing threads on the movie closest to the user's interests (MiniLM cosine)."""
    threads = list(Thread.objects.visible().filter(movie_id=movie_id).order_by("-last_activity_at")[:50])
    if not threads:
        return []
    from recommender.llm.registry import use_fake_models

    profile = TasteProfile.objects.filter(user_id=user_id).first()
    interest = " ".join(
        filter(
            None,
            [
                profile.summary if profile else "",
                *[
                    b
                    for b in Review.objects.visible()
                    .filter(user_id=user_id)
                    .order_by("-created_at")
                    .values_list("body", flat=True)[:2]
                ],
            ],
        )
    )
    if not interest or use_fake_models():
        return [t.pk for t in threads[:limit]]
    from recommender.llm.embeddings import embed_texts

    vectors = embed_texts([interest] + [f"{t.title}. {t.body[:300]}" for t in threads])
    scores = vectors[1:] @ vectors[0]
    order = scores.argsort()[::-1][:limit]
    return [threads[i].pk for i in order]


def _settled(row: GeneratedText, task_id: str | None) -> bool:
    """Ready already, or superseded by a newer request than the one running."""
    superseded = bool(task_id and row.task_id and row.task_id != task_id)
    return row.status == GeneratedText.Status.READY or superseded


def generated_text_produce(*, text_id: int, task_id: str | None = None, backend=None) -> GeneratedText | None:
    """Write the text for one pending GeneratedText row; safe to run twice.

    Skips rows that are gone, already ready, or superseded by a newer request (a
    different task_id). The model runs outside any transaction; the result is written
    under a row lock only if the row still waits for this very request.
    """
    from recommender.llm.generation import generate_checked

    row = GeneratedText.objects.select_related("movie").filter(pk=text_id).first()
    if row is None:
        return None
    if _settled(row, task_id):
        return row
    facts = facts_for(kind=row.kind, user_id=row.user_id, movie=row.movie)
    result = generate_checked(row.kind, facts, backend=backend)
    payload = dict(result.payload)
    payload["checks"] = {
        "attempts": result.attempts,
        "problems": result.problems,
        "rejected": result.rejected,
    }
    if row.kind == Kind.DISCUSSION_SUGGESTIONS:
        payload["similar_thread_ids"] = similar_threads(user_id=row.user_id, movie_id=row.movie_id)
    with transaction.atomic():
        locked = GeneratedText.objects.select_for_update().filter(pk=text_id).first()
        if locked is None:
            return None
        if locked.status == GeneratedText.Status.READY or (
            task_id and locked.task_id and locked.task_id != task_id
        ):
            return locked
        locked.text = result.text
        locked.payload = payload
        locked.is_fallback = result.is_fallback
        locked.status = GeneratedText.Status.READY
        locked.error = ""
        locked.model_name = result.model_name
        locked.model_version = result.model_version
        locked.updated_at = timezone.now()
        locked.save()
    return locked


def generated_text_fail(*, text_id: int, error: str) -> None:
    GeneratedText.objects.filter(pk=text_id).exclude(status=GeneratedText.Status.READY).update(
        status=GeneratedText.Status.FAILED, error=error[:500], updated_at=timezone.now()
    )


# A pending text whose task has not finished after this long is asked for again (its task was
# lost, or the queue is far behind); the older task then finds itself superseded and skips.
PENDING_REQUEUE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class ExplanationsQueued:
    ids: list[int]  # texts marked pending: queue their generation
    retry_after: int | None  # seconds until the budget pays for the rest; None if none waits


def _worth_asking(row: GeneratedText | None, now: datetime) -> bool:
    """No text yet, a failed one, or a pending one whose task was lost (never a ready one)."""
    if row is None or row.status == GeneratedText.Status.FAILED:
        return True
    return row.status == GeneratedText.Status.PENDING and row.updated_at < now - PENDING_REQUEUE_AFTER


# While the models warm up, a member's explanations are asked for again this often (seconds).
EXPLANATIONS_WARMING_UP_RETRY = 600


def explanations_request(*, user_id: int, limit: int = 6) -> ExplanationsQueued:
    """Mark explanation texts pending for the user's top recommendations, within their budget.

    Called after a recommendation refresh. An explanation is written once per member and movie
    (one GeneratedText per kind, member and movie): a movie that comes back to the rows keeps
    its text, and a pending one is not queued again. A text the member's generation budget
    cannot pay for now is not created, so the pick shows its template reason; `retry_after`
    says when to ask again.

    While the models warm up nothing is created (the picks keep their template reasons) and
    `retry_after` asks again later: a queued text would make the slow worker fetch and convert
    the generator itself, ahead of prepare_models (the first-start drill saw 7.5 GB resident).
    A preparation that failed is not waited for.
    """
    if selectors_llm.ai_warming_up():
        failed = selectors_llm.models_status().get("stage") == "failed"
        return ExplanationsQueued(ids=[], retry_after=None if failed else EXPLANATIONS_WARMING_UP_RETRY)
    movie_ids = list(
        Recommendation.objects.filter(user_id=user_id)
        .order_by("rank", "row")
        .values_list("movie_id", flat=True)
    )
    ids = []
    for movie_id in list(dict.fromkeys(movie_ids))[:limit]:
        now = timezone.now()
        try:
            with transaction.atomic():
                # Under the member's budget lock: two refreshes never both create or requeue it.
                generation_budget_lock(user_id=user_id)
                row = (
                    GeneratedText.objects.select_for_update()
                    .filter(kind=Kind.EXPLANATION, user_id=user_id, movie_id=movie_id)
                    .first()
                )
                if not _worth_asking(row, now):
                    continue
                generation_budget_charge(
                    user_id=user_id, kind=Kind.EXPLANATION, movie_id=movie_id, asked=False
                )
                if row is None:
                    row = GeneratedText(
                        kind=Kind.EXPLANATION, user_id=user_id, movie_id=movie_id, created_at=now
                    )
                row.status, row.error, row.task_id, row.updated_at = (
                    GeneratedText.Status.PENDING,
                    "",
                    uuid.uuid4().hex,
                    now,
                )
                row.save()
                ids.append(row.pk)
        except GenerationBudgetSpent as spent:
            return ExplanationsQueued(ids=ids, retry_after=spent.retry_after)
    return ExplanationsQueued(ids=ids, retry_after=None)


class GenerationRefused(Exception):
    """The member may not ask for this text now. The message says why, in words a page shows
    as is; ``code`` is "already_reviewed", "not_rated" or "warming_up"."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def generation_refusal(*, user_id: int, movie_id: int, kind: str) -> GenerationRefused | None:
    """Why the member may not ask for this text about the movie now (None when they may).

    A review draft is for a movie the member rated and has not reviewed yet (the draft starts
    from their rating); no text is asked for while the models warm up, since the task only
    waits a few minutes for missing model files and the first start takes longer.
    """
    if kind == Kind.REVIEW_DRAFT:
        if Review.objects.filter(user_id=user_id, movie_id=movie_id).exists():
            return GenerationRefused("You have already reviewed this movie.", code="already_reviewed")
        if not Rating.objects.filter(user_id=user_id, movie_id=movie_id).exists():
            return GenerationRefused("Rate this movie to get an AI draft.", code="not_rated")
    if selectors_llm.ai_warming_up():
        from recommender.preparation import preparation

        return GenerationRefused(preparation().notice, code="warming_up")
    return None


def generated_text_request(*, user: User, movie: Movie, kind: str) -> GeneratedText:
    """Mark the user's text of this kind about the movie as pending and queue its generation.

    The one rule for the movie page and the API. Raises GenerationRefused when the member may
    not ask now (see generation_refusal). A request while one is already pending returns that
    one instead of queueing twice, and costs nothing; a new one takes a unit of the member's
    generation budget, or raises GenerationBudgetSpent (and nothing is queued).
    """
    refused = generation_refusal(user_id=user.pk, movie_id=movie.pk, kind=kind)
    if refused is not None:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        generation_budget_lock(user_id=user.pk)
        text = GeneratedText.objects.select_for_update().filter(kind=kind, user=user, movie=movie).first()
        if (
            text is not None
            and text.status == GeneratedText.Status.PENDING
            and text.task_id
            and text.updated_at >= now - PENDING_REQUEUE_AFTER
        ):
            return text
        generation_budget_charge(user_id=user.pk, kind=kind, movie_id=movie.pk)
        if text is None:
            text = GeneratedText(kind=kind, user=user, movie=movie, created_at=now)
        text.status = GeneratedText.Status.PENDING
        text.error = ""
        text.task_id = str(uuid.uuid4())
        text.updated_at = now
        text.save()
        task_id, text_id = text.task_id, text.pk
        # robust: a broker that is down must not turn the saved request into an error; the text
        # stays pending and asking again after PENDING_REQUEUE_AFTER queues it anew.
        transaction.on_commit(lambda: _queue_generation(text_id=text_id, task_id=task_id), robust=True)
    return text


def _queue_generation(*, text_id: int, task_id: str) -> None:
    # The row remembers task_id: the task skips deliveries of older, superseded requests.
    from recommender.tasks.generation import generated_text_produce

    generated_text_produce.apply_async(args=[text_id], task_id=task_id)


def generated_text_discard(*, user: User, movie: Movie, kind: str) -> None:
    """Forget the user's text of this kind about the movie (a discarded draft).

    A task still running for it finds the row gone and writes nothing.
    """
    GeneratedText.objects.filter(user=user, movie=movie, kind=kind).delete()
