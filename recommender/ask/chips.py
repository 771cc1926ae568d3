"""How a request was understood, as chips the member can remove one by one (broadening it)."""

from __future__ import annotations

from dataclasses import dataclass

from .parsing import Query

GENRES_ZH = {
    "Action": "动作",
    "Adventure": "冒险",
    "Animation": "动画",
    "Children": "儿童",
    "Comedy": "喜剧",
    "Crime": "犯罪",
    "Documentary": "纪录片",
    "Drama": "剧情",
    "Fantasy": "奇幻",
    "Film-Noir": "黑色电影",
    "Horror": "恐怖",
    "Musical": "歌舞",
    "Mystery": "悬疑",
    "Romance": "爱情",
    "Sci-Fi": "科幻",
    "Thriller": "惊悚",
    "War": "战争",
    "Western": "西部",
}
MOODS_ZH = {
    "funny": "好笑",
    "light": "轻松",
    "tense": "紧张",
    "dark": "黑暗",
    "moving": "感人",
    "scary": "吓人",
    "less violent": "少些暴力",
    "beautiful": "画面美",
    "clever": "烧脑",
    "great acting": "演技好",
    "music": "配乐好",
    "fast": "快节奏",
}


@dataclass(frozen=True)
class Chip:
    key: str  # what a removal posts: "genre:Comedy", "years", "runtime", "like:0", ...
    label: str


def genre_label(genre: str, zh: bool) -> str:
    return GENRES_ZH.get(genre, genre) if zh else genre.lower()


def years_label(q: Query) -> str:
    zh = q.language == "zh"
    if q.year_min is not None and q.year_max is not None:
        return f"{q.year_min}-{q.year_max}" if q.year_min != q.year_max else str(q.year_min)
    if q.year_min is not None:
        return f"{q.year_min}年起" if zh else f"from {q.year_min}"
    return f"{q.year_max}年及以前" if zh else f"up to {q.year_max}"


def chips(q: Query) -> list[Chip]:
    zh = q.language == "zh"
    out = [Chip(f"genre:{g}", genre_label(g, zh)) for g in q.genres]
    out += [Chip(f"avoid_genre:{g}", ("不要" if zh else "no ") + genre_label(g, zh)) for g in q.avoid_genres]
    if q.year_min is not None or q.year_max is not None:
        out.append(Chip("years", years_label(q)))
    if q.max_runtime is not None:
        out.append(Chip("runtime", f"{q.max_runtime}分钟以内" if zh else f"under {q.max_runtime} min"))
    out += [Chip(f"mood:{m}", MOODS_ZH.get(m, m) if zh else m) for m in q.moods]
    for i, ref in enumerate(q.like):
        if ref.id:
            out.append(Chip(f"like:{i}", ("像 " if zh else "like ") + ref.label))
    for i, ref in enumerate(q.people):
        if ref.id:
            out.append(Chip(f"person:{i}", ("有 " if zh else "with ") + ref.label))
    for i, ref in enumerate(q.avoid_people):
        if ref.id:
            out.append(Chip(f"avoid_person:{i}", ("不要 " if zh else "not ") + ref.label))
    if q.text:
        out.append(Chip("text", f"“{q.text}”"))
    return out


def chip_remove(q: Query, key: str) -> tuple[Query, str]:
    """`q` without the chip `key`, and the chip's label; unchanged (label "") for an unknown key."""
    labels = {c.key: c.label for c in chips(q)}
    if key not in labels:
        return q, ""
    kind, _, value = key.partition(":")
    if kind == "genre":
        q.genres = [g for g in q.genres if g != value]
    elif kind == "avoid_genre":
        q.avoid_genres = [g for g in q.avoid_genres if g != value]
    elif kind == "years":
        q.year_min = q.year_max = None
    elif kind == "runtime":
        q.max_runtime = None
    elif kind == "mood":
        q.moods = [m for m in q.moods if m != value]
    elif kind in ("like", "person", "avoid_person"):
        field = {"like": "like", "person": "people", "avoid_person": "avoid_people"}[kind]
        refs = list(getattr(q, field))
        del refs[int(value)]
        setattr(q, field, refs)
    elif kind == "text":
        q.text = ""
    return q, labels[key]
