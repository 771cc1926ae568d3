"""Reading a member's Ask CineCircle conversations for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from community.movies.models import Movie

from .chips import Chip, chips
from .models import AskConversation, AskTurn
from .parsing import Query


@dataclass
class PickView:
    movie: Movie
    score: float
    reason: str
    explanation: str
    status: str
    is_fallback: bool


@dataclass
class TurnView:
    turn: AskTurn
    query: Query
    chips: list[Chip]
    picks: list[PickView] = field(default_factory=list)


def turn_views(turns: list[AskTurn]) -> list[TurnView]:
    """Turns with their chips and picks' movies (one query for every turn's movies)."""
    ids = {p["movie_id"] for t in turns for p in t.picks}
    movies = Movie.objects.prefetch_related("genres").in_bulk(ids)
    out = []
    for t in turns:
        query = Query.from_dict(t.query)
        view = TurnView(t, query, chips(query))
        for p in t.picks:
            movie = movies.get(p["movie_id"])
            if movie is not None:
                view.picks.append(
                    PickView(
                        movie,
                        p.get("score", 0.0),
                        p.get("reason", ""),
                        p.get("explanation", ""),
                        p.get("status", "none"),
                        bool(p.get("is_fallback")),
                    )
                )
        out.append(view)
    return out


def conversations(*, user_id: int, limit: int = 10) -> list[AskConversation]:
    return list(AskConversation.objects.filter(user_id=user_id).order_by("-updated_at", "-pk")[:limit])


def conversation(*, user_id: int, conversation_id: int | None) -> AskConversation | None:
    """The member's conversation `conversation_id`, or their latest one when None."""
    found = AskConversation.objects.filter(user_id=user_id)
    if conversation_id is not None:
        return found.filter(pk=conversation_id).first()
    return found.order_by("-updated_at", "-pk").first()


def turn(*, user_id: int, turn_id: int) -> AskTurn | None:
    return AskTurn.objects.filter(pk=turn_id, conversation__user_id=user_id).first()
