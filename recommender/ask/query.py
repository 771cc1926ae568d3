"""A request as understood: the structured query the rules, the generator and the catalogue
look-ups fill, and what the ranking reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .vocabulary import MOODS


@dataclass
class Reference:
    """A title or person the member named, and what the catalogue matched it to (resolve.py)."""

    text: str
    id: int | None = None
    label: str = ""  # "Alien (1979)" or "Ridley Scott"
    suggestion: str = ""  # "did you mean ..." when unresolved
    suggestion_id: int | None = None


@dataclass
class Query:
    """What a request asks for. Hard constraints filter (genres, avoid_genres, years, runtime,
    people, avoid_people); moods, references and free text re-rank."""

    genres: list[str] = field(default_factory=list)
    avoid_genres: list[str] = field(default_factory=list)
    year_min: int | None = None
    year_max: int | None = None
    max_runtime: int | None = None
    moods: list[str] = field(default_factory=list)
    like: list[Reference] = field(default_factory=list)
    people: list[Reference] = field(default_factory=list)
    avoid_people: list[Reference] = field(default_factory=list)
    text: str = ""  # what the rules could not read
    language: str = "en"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Query:
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        for key in ("like", "people", "avoid_people"):
            data[key] = [Reference(**r) if isinstance(r, dict) else r for r in data.get(key) or []]
        return cls(**{k: v for k, v in data.items() if k in names})

    def is_empty(self) -> bool:
        return not (
            self.genres
            or self.avoid_genres
            or self.year_min
            or self.year_max
            or self.max_runtime
            or self.moods
            or self.like
            or self.people
            or self.avoid_people
            or self.text
        )

    def aspects(self) -> dict[str, float]:
        """The review aspects the moods lean on, summed."""
        out: dict[str, float] = {}
        for mood in self.moods:
            for aspect, weight in MOODS.get(mood, {}).get("aspects", {}).items():
                out[aspect] = out.get(aspect, 0.0) + weight
        return out

    def genre_leanings(self) -> dict[str, float]:
        """The genres the moods favour (positive) or push down (negative), summed."""
        out: dict[str, float] = {}
        for mood in self.moods:
            for genre, weight in MOODS.get(mood, {}).get("genres", {}).items():
                out[genre] = out.get(genre, 0.0) + weight
        return out
