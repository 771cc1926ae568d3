"""Up to five picks for a request: the member's hybrid scores, filtered by the request's hard
constraints, re-ranked by its references, moods and free text.

Hard constraints (genres, genres to avoid, years, runtime, people, people to avoid) are a
database filter, so every pick satisfies every one of them; a film the member rated, reviewed
or dismissed is never a candidate. A member the model cannot rank for (no model trained yet,
or no ratings) gets the most popular films within the constraints, and is told so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from community.movies.models import Movie
from recommender.services.recommendations import History, current_model, user_history

from .parsing import Query

PICKS = 5
LIKE_WEIGHT = 1.5  # "like X": similarity to X leads, the member's taste still counts
MOOD_WEIGHT = 0.6
TEXT_WEIGHT = 0.5
_WORD = re.compile(r"[\w'’]{3,}")


@dataclass
class Ranked:
    picks: list[dict]
    popular_fallback: bool


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
    own = set(history.ratings) | history.not_interested | {ref.id for ref in query.like if ref.id}
    return movies.exclude(pk__in=own).distinct()


def _z(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    spread = values.std()
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def _genres_of(ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = Movie.genres.through.objects.filter(movie_id__in=ids).values_list("movie_id", "genre__name")
    for movie_id, name in rows:
        out.setdefault(movie_id, []).append(name)
    return out


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


def _text_scores(query: Query, ids: list[int]) -> np.ndarray:
    words = {w.lower() for w in _WORD.findall(query.text)} if query.language == "en" else set()
    if not words or not ids:
        return np.zeros(len(ids))
    texts = dict(Movie.objects.filter(pk__in=ids).values_list("pk", "plot"))
    titles = dict(Movie.objects.filter(pk__in=ids).values_list("pk", "title"))
    hits = []
    for m in ids:
        found = set(_WORD.findall(f"{titles.get(m, '')} {texts.get(m, '')}".lower()))
        hits.append(len(words & found))
    return np.array(hits, dtype=np.float64)


def rank(*, user_id: int, query: Query, n: int = PICKS) -> Ranked:
    """The member's picks for `query`, best first: [{"movie_id", "score"}]."""
    history = user_history(user_id=user_id)
    ids = list(candidates(query, history).values_list("pk", flat=True))
    if not ids:
        return Ranked([], popular_fallback=False)
    model = current_model()
    genres = _genres_of(ids)
    like_ids = [ref.id for ref in query.like if ref.id]
    fallback = model is None or not history.ratings
    if not fallback:
        assert model is not None
        cols, known = model._positions(ids)
        user = model.scores(
            history.ratings,
            more_like=history.more_like,
            disliked=history.disliked | history.not_interested,
            aspects=history.aspects,
            user_id=user_id,
        )
        base = np.full(len(ids), np.nan)
        base[known] = user[cols[known]]
        base = np.where(np.isfinite(base), base, np.nanmin(base) if np.isfinite(base).any() else 0.0)
        total = _z(base)
        like_cols = model.columns(like_ids)
        if len(like_cols):
            sim = np.zeros(len(ids))
            sim[known] = model.item_similarity(like_cols).max(axis=0)[cols[known]]
            total = 0.5 * total + LIKE_WEIGHT * _z(sim)
    else:
        popularity = dict(Movie.objects.filter(pk__in=ids).values_list("pk", "rating_count"))
        total = _z(np.log1p([popularity.get(m, 0) for m in ids]))
        if like_ids:
            anchor = {g for m in like_ids for g in _genres_of(like_ids).get(m, [])}
            shared = [len(anchor & set(genres.get(m, []))) for m in ids]
            total = 0.5 * total + LIKE_WEIGHT * _z(np.array(shared, dtype=np.float64))
    if query.moods:
        total = total + MOOD_WEIGHT * _z(_mood_scores(query, ids, genres, model))
    order = np.argsort(-total, kind="stable")
    if query.text:
        # free text: words of the request met in the title or plot lift the leading films
        head = [ids[i] for i in order[:60]]
        lift = TEXT_WEIGHT * _text_scores(query, head)
        head_scores = total[order[:60]] + lift
        resorted = [head[i] for i in np.argsort(-head_scores, kind="stable")]
        best = resorted[:n]
        scores = {m: float(s) for m, s in zip(head, head_scores, strict=True)}
    else:
        best = [ids[i] for i in order[:n]]
        scores = {ids[i]: float(total[i]) for i in order[:n]}
    return Ranked([{"movie_id": m, "score": round(scores[m], 4)} for m in best], popular_fallback=fallback)
