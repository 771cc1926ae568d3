"""The template reason under each pick, in the request's language, from catalogue facts only:
what of the request the film meets (genre, years, runtime, the film it is like)."""

from __future__ import annotations

from community.movies.models import Movie

from .chips import genre_label
from .parsing import Query


def pick_reason(movie: Movie, q: Query) -> str:
    zh = q.language == "zh"
    genres = [g.name for g in movie.genres.all()]
    wanted = [g for g in q.genres if g in genres] or genres[:2]
    words = [genre_label(g, zh) for g in wanted]
    like = [ref.label for ref in q.like if ref.id]
    if zh:
        parts = [f"{movie.year}年" if movie.year else "", "、".join(words) + ("片" if words else "")]
        if movie.runtime_minutes:
            parts.append(f"{movie.runtime_minutes}分钟")
        text = "，".join(p for p in parts if p)
        if like:
            text += f"；与{like[0]}相近"
        return text
    head = f"A {movie.year} " if movie.year else "A "
    text = head + (" and ".join(words) if words else "film") + (" film" if words else "")
    if movie.runtime_minutes:
        text += f", {movie.runtime_minutes} min"
    if like:
        text += f"; close to {like[0]}"
    return text
