"""The lists section of "download my data" (community/core/exports.py), registered by ListsConfig."""

from __future__ import annotations

from typing import Any

from community.accounts.models import User
from community.core.exports import Shape, section_register, when

ORDER = 40  # after community's own sections


def _lists(user: User) -> list[dict[str, Any]]:
    from community.lists.models import FilmList
    from community.lists.selectors import entries_prefetch

    lists = (
        FilmList.objects.filter(owner=user).prefetch_related(entries_prefetch()).order_by("created_at", "pk")
    )
    return [
        {
            "id": film_list.pk,
            "title": film_list.title,
            "description": film_list.description,
            "ranked": film_list.ranked,
            "visibility": film_list.visibility,
            "collaborative": film_list.collaborative,
            "letterboxd_url": film_list.letterboxd_url,
            "created_at": when(film_list.created_at),
            "updated_at": when(film_list.updated_at),
            "entries": [
                {
                    "position": entry.position,
                    "movie": entry.movie.title,
                    "year": entry.movie.year,
                    "movie_slug": entry.movie.slug,
                    "note": entry.note,
                    "created_at": when(entry.created_at),
                }
                for entry in film_list.entries.all()
            ],
        }
        for film_list in lists
    ]


def _entries_on_others_lists(user: User) -> list[dict[str, Any]]:
    from community.lists.models import ListEntry

    entries = (
        ListEntry.objects.filter(added_by=user)
        .exclude(film_list__owner=user)
        .select_related("film_list", "movie")
        .order_by("created_at", "pk")
    )
    return [
        {
            "list_id": e.film_list_id,
            "list_title": e.film_list.title,
            "movie_slug": e.movie.slug,
            "position": e.position,
            "note": e.note,
            "created_at": when(e.created_at),
        }
        for e in entries
    ]


def _collaborations(user: User) -> list[dict[str, Any]]:
    from community.lists.models import ListCollaborator

    rows = (
        ListCollaborator.objects.filter(member=user).select_related("film_list").order_by("invited_at", "pk")
    )
    return [
        {
            "list_id": c.film_list_id,
            "list_title": c.film_list.title,
            "status": c.status,
            "invited_at": when(c.invited_at),
            "accepted_at": when(c.accepted_at),
        }
        for c in rows
    ]


def _likes(user: User) -> list[dict[str, Any]]:
    from community.lists.models import ListLike

    likes = ListLike.objects.filter(user=user).select_related("film_list").order_by("created_at", "pk")
    return [
        {
            "list_id": like.film_list_id,
            "list_title": like.film_list.title,
            "created_at": when(like.created_at),
        }
        for like in likes
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    from community.lists.models import ListComment

    comments = (
        ListComment.objects.filter(author=user).select_related("film_list").order_by("created_at", "pk")
    )
    return [
        {
            "list_id": c.film_list_id,
            "list_title": c.film_list.title,
            "body": c.body,
            "created_at": when(c.created_at),
            "updated_at": when(c.updated_at),
        }
        for c in comments
    ]


def register() -> None:
    sections: list[tuple[str, Any, tuple[str, ...], str]] = [
        (
            "lists",
            _lists,
            ("lists.FilmList", "lists.ListEntry"),
            "Film lists made, with their films and notes.",
        ),
        (
            "list_entries_added",
            _entries_on_others_lists,
            ("lists.ListEntry",),
            "Films added to other members' lists as a collaborator.",
        ),
        (
            "list_collaborations",
            _collaborations,
            ("lists.ListCollaborator",),
            "Lists the member was invited to work on.",
        ),
        ("list_likes", _likes, ("lists.ListLike",), "Lists liked."),
        ("list_comments", _comments, ("lists.ListComment",), "Comments written on lists."),
    ]
    for order, (name, provider, models, help_text) in enumerate(sections):
        section_register(
            name, provider, models=models, shape=Shape.OBJECTS, help_text=help_text, order=ORDER + order
        )
