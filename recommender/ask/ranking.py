"""Up to five picks for a request: the member's hybrid scores, filtered by the request's hard
constraints, re-ranked by its references, moods and free text.

Hard constraints (genres, genres to avoid, years, runtime, people, people to avoid) are a
database filter, so every pick satisfies every one of them; a film the member rated, reviewed
or dismissed is never a candidate. A member the model cannot rank for (no model trained yet,
or no ratings) gets the most popular films within the constraints, and is told so.

The ordering itself (``rank_candidates``) is plain arithmetic on the loaded model and a few
facts about the candidates, read through ``CatalogueFacts``: the served path reads them from
the database (``DatabaseFacts``), the offline benchmark (``bench_ask --ranking``) from
MovieLens in memory, so both measure and serve one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db.models import QuerySet

from community.movies.models import Movie
from recommender.hybrid.serving import ServingModel
from recommender.services.recommendations import History, current_model, user_history

from .parsing import Query

PICKS = 5
# "like X": only the films most similar to X are picked from (this share of the candidates, at
# least LIKE_POOL_MIN of them), ranked by similarity and the member's taste counted alike
LIKE_WEIGHT = 0.5
LIKE_POOL_SHARE = 0.2
LIKE_POOL_MIN = 10
MOOD_WEIGHT = 0.6
TEXT_WEIGHT = 0.5
TEXT_HEAD = 60  # free text re-orders this many leading films
_WORD = re.compile(r"[\w'’]{3,}")


@dataclass
class Ranked:
    picks: list[dict]
    popular_fallback: bool


class CatalogueFacts(Protocol):
    """What the ordering reads about candidate films, by movie id."""

    def genres(self, ids: list[int]) -> dict[int, list[str]]: ...

    def popularity(self, ids: list[int]) -> dict[int, int]: ...

    def texts(self, ids: list[int]) -> dict[int, str]: ...


class DatabaseFacts:
    """The catalogue's facts, one query each."""

    def genres(self, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        rows = Movie.genres.through.objects.filter(movie_id__in=ids).values_list("movie_id", "genre__name")
        for movie_id, name in rows:
            out.setdefault(movie_id, []).append(name)
        return out

    def popularity(self, ids: list[int]) -> dict[int, int]:
        return dict(Movie.objects.filter(pk__in=ids).values_list("pk", "rating_count"))

    def texts(self, ids: list[int]) -> dict[int, str]:
        rows = Movie.objects.filter(pk__in=ids).values_list("pk", "title", "plot")
        return {pk: f"{title or ''} {plot or ''}" for pk, title, plot in rows}


def satisfies(
    query: Query,
    *,
    genres: Iterable[str],
    year: int | None,
    runtime: int | None,
    people: Iterable[int] = (),
) -> bool:
    """Whether a film with these facts meets every hard constraint of ``query`` (what
    ``candidates`` asks of the database, said in Python: for checks and offline use)."""
    genres, people = set(genres), set(people)
    return (
        all(g in genres for g in query.genres)
        and not genres & set(query.avoid_genres)
        and (query.year_min is None or (year is not None and year >= query.year_min))
        and (query.year_max is None or (year is not None and year <= query.year_max))
        and (query.max_runtime is None or (runtime is not None and runtime <= query.max_runtime))
        and all(r.id in people for r in query.people if r.id)
        and not people & {r.id for r in query.avoid_people if r.id}
    )


def candidates(query: Query, history: History) -> QuerySet[Movie]:
    """The catalogue films that satisfy every hard constraint, minus the member's own."""
    movies = Movie.objects.all()
    for genre in query.genres:
        movies = movies.filter(genres__name=genre)
    if query.avoid_genres:
        movies = movies.exclude(genres__name__in=query.avoid_genres)
    if query.year_min is not None:
        movies = movies.filter(year__gte=query.year_min)
    if query.year_max is not None:
        movies = movies.filter(year__lte=query.year_max)
    if query.max_runtime is not None:
        movies = movies.filter(runtime_minutes__lte=query.max_runtime)
    for ref in query.people:
        if ref.id:
            movies = movies.filter(credits__person_id=ref.id)
    avoided = [ref.id for ref in query.avoid_people if ref.id]
    if avoided:
        movies = movies.exclude(credits__person_id__in=avoided)
    return movies.exclude(pk__in=excluded_ids(query, history)).distinct()


def excluded_ids(query: Query, history: History) -> set[int]:
    """Never a pick: what the member rated or dismissed, and the films they referred to."""
    return set(history.ratings) | history.not_interested | {ref.id for ref in query.like if ref.id}


def _z(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    spread = values.std()
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def _mood_scores(query: Query, ids: list[int], genres: dict[int, list[str]], model) -> np.ndarray:
    leanings = query.genre_leanings()
    score = np.array([sum(leanings.get(g, 0.0) for g in genres.get(m, [])) for m in ids], dtype=np.float64)
    aspects = query.aspects()
    scorer = model.hybrid.base.aspects if model is not None else None
    if aspects and scorer is not None and scorer.profiles.shape[1]:
        cols, known = model._positions(ids)
        prefs = scorer.preferences(aspects)
        profile = np.zeros(len(ids))
        profile[known] = scorer.profiles[cols[known]] @ prefs
        score += profile
    return score


def _text_scores(query: Query, ids: list[int], facts: CatalogueFacts) -> np.ndarray:
    words = {w.lower() for w in _WORD.findall(query.text)} if query.language == "en" else set()
    if not words or not ids:
        return np.zeros(len(ids))
    texts = facts.texts(ids)
    hits = [len(words & set(_WORD.findall(texts.get(m, "").lower()))) for m in ids]
    return np.array(hits, dtype=np.float64)


def taste_scores(model: ServingModel, history: History) -> np.ndarray:
    """The member's hybrid score of every film of the model, as the homepage computes it."""
    return model.scores(
        history.ratings,
        more_like=history.more_like,
        disliked=history.disliked | history.not_interested,
        aspects=history.aspects,
        user_id=history.user_id,
    )


def rank_candidates(
    *,
    query: Query,
    ids: list[int],
    history: History,
    model: ServingModel | None,
    facts: CatalogueFacts,
    n: int = PICKS,
    user_scores: np.ndarray | None = None,
) -> Ranked:
    """Order ``ids`` (films already meeting the hard constraints, none of the member's own)
    for ``query`` and this member, best first: [{"movie_id", "score"}]. ``user_scores``:
    ``taste_scores(model, history)`` when the caller has them already."""
    if not ids:
        return Ranked([], popular_fallback=False)
    genres = facts.genres(ids)
    like_ids = [ref.id for ref in query.like if ref.id]
    fallback = model is None or not history.ratings
    if model is not None and not fallback:
        cols, known = model._positions(ids)
        user = taste_scores(model, history) if user_scores is None else user_scores
        base = np.full(len(ids), np.nan)
        base[known] = user[cols[known]]
        base = np.where(np.isfinite(base), base, np.nanmin(base) if np.isfinite(base).any() else 0.0)
        total = _z(base)
        like_cols = model.columns(like_ids)
        if len(like_cols):
            sim = np.zeros(len(ids))
            sim[known] = model.item_similarity(like_cols).max(axis=0)[cols[known]]
            total = 0.5 * total + LIKE_WEIGHT * _z(sim)
            pool = max(LIKE_POOL_MIN, int(LIKE_POOL_SHARE * len(ids)))
            if pool < len(ids):
                outside = np.argsort(-sim, kind="stable")[pool:]
                # after the pool, by similarity
                total[outside] = total.min() - 1.0 - (sim.max() - sim[outside])
    else:
        popularity = facts.popularity(ids)
        total = _z(np.log1p([popularity.get(m, 0) for m in ids]))
        if like_ids:
            like_genres = facts.genres(like_ids)
            anchor = {g for m in like_ids for g in like_genres.get(m, [])}
            shared = [len(anchor & set(genres.get(m, []))) for m in ids]
            total = 0.5 * total + LIKE_WEIGHT * _z(np.array(shared, dtype=np.float64))
    if query.moods:
        total = total + MOOD_WEIGHT * _z(_mood_scores(query, ids, genres, model))
    order = np.argsort(-total, kind="stable")
    if query.text:
        # free text: words of the request met in the title or plot lift the leading films
        head = [ids[i] for i in order[:TEXT_HEAD]]
        head_scores = total[order[:TEXT_HEAD]] + TEXT_WEIGHT * _text_scores(query, head, facts)
        best = [head[i] for i in np.argsort(-head_scores, kind="stable")[:n]]
        scores = {m: float(s) for m, s in zip(head, head_scores, strict=True)}
    else:
        best = [ids[i] for i in order[:n]]
        scores = {ids[i]: float(total[i]) for i in order[:n]}
    return Ranked([{"movie_id": m, "score": round(scores[m], 4)} for m in best], popular_fallback=fallback)


def rank(*, user_id: int, query: Query, n: int = PICKS) -> Ranked:
    """The member's picks for `query`, best first: [{"movie_id", "score"}]."""
    history = user_history(user_id=user_id)
    ids = list(candidates(query, history).values_list("pk", flat=True))
    return rank_candidates(
        query=query, ids=ids, history=history, model=current_model(), facts=DatabaseFacts(), n=n
    )
