"""Reads on film lists, and the one rule of who may see a list.

- public: everyone (and only public lists are "popular", "recent", on movie pages and liked
  or commented on);
- followers (``Visibility.FOLLOWERS``): the owner's followers;
- private (``Visibility.ONLY_ME``): nobody else;
and always the owner and the members invited to collaborate (pending or accepted). Every page,
the API and the search read lists through ``lists_visible_to``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from community.accounts.models import User, Visibility
from community.lists.models import FilmList, ListCollaborator, ListComment, ListEntry, ListLike
from community.movies.models import Movie
from community.social.models import Follow

POPULAR_DAYS = 30
SEARCH_MAX_LENGTH = 100


def _member(viewer: Any) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


def _count(model: Any, *, where: Q | None = None) -> Coalesce:
    rows = model.objects.filter(film_list=OuterRef("pk"))
    if where is not None:
        rows = rows.filter(where)
    counted = rows.order_by().values("film_list").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(lists: QuerySet[FilmList]) -> QuerySet[FilmList]:
    """Each list with ``entry_count``, ``like_count`` and ``recent_like_count`` (last 30 days)."""
    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    return lists.annotate(
        entry_count=_count(ListEntry),
        like_count=_count(ListLike),
        recent_like_count=_count(ListLike, where=Q(created_at__gte=since)),
    )


def visible_q(viewer: Any) -> Q:
    """``Q`` for the lists ``viewer`` may see (see the module's docstring)."""
    member = _member(viewer)
    if member is None:
        return Q(visibility=Visibility.PUBLIC)
    follows = Follow.objects.filter(follower=member, followee=OuterRef("owner"))
    invited = ListCollaborator.objects.filter(film_list=OuterRef("pk"), member=member)
    return (
        Q(visibility=Visibility.PUBLIC)
        | Q(owner=member)
        | Q(Exists(invited))
        | (Q(visibility=Visibility.FOLLOWERS) & Q(Exists(follows)))
    )


def lists_visible_to(viewer: Any) -> QuerySet[FilmList]:
    return FilmList.objects.filter(visible_q(viewer)).select_related("owner")


def list_get(*, pk: int, viewer: Any) -> FilmList:
    """The list if ``viewer`` may see it, else 404 (a private list is not said to exist)."""
    found = with_counts(lists_visible_to(viewer)).filter(pk=pk).first()
    if found is None:
        raise Http404("No such list.")
    return found


def can_view(*, film_list: FilmList, viewer: Any) -> bool:
    return FilmList.objects.filter(visible_q(viewer), pk=film_list.pk).exists()


def is_collaborator(*, film_list: FilmList, user: Any) -> bool:
    """An accepted collaborator on a list that is collaborative."""
    member = _member(user)
    return bool(
        member
        and film_list.collaborative
        and film_list.collaborators.filter(member=member, status=ListCollaborator.Status.ACCEPTED).exists()
    )


def can_manage_entries(*, film_list: FilmList, user: Any) -> bool:
    """The owner, or an accepted collaborator: they add, remove, annotate and reorder films."""
    member = _member(user)
    if member is None:
        return False
    return film_list.owner_id == member.pk or is_collaborator(film_list=film_list, user=member)


def search_clean(query: str | None) -> str:
    return " ".join((query or "").split())[:SEARCH_MAX_LENGTH]


def list_search(
    *, viewer: Any, query: str = "", movie: Movie | None = None, owner: User | None = None
) -> QuerySet[FilmList]:
    """Lists ``viewer`` may see whose title or description holds every word of ``query``
    (optionally: holding ``movie``, or by ``owner``), most recently updated first."""
    lists = with_counts(lists_visible_to(viewer))
    for word in search_clean(query).split()[:8]:
        lists = lists.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if movie is not None:
        lists = lists.filter(Exists(ListEntry.objects.filter(film_list=OuterRef("pk"), movie=movie)))
    if owner is not None:
        lists = lists.filter(owner=owner)
    return lists.order_by("-updated_at", "-pk")


def _has_films() -> Exists:
    return Exists(ListEntry.objects.filter(film_list=OuterRef("pk")))


def popular_lists() -> QuerySet[FilmList]:
    """Public lists with at least one film: most liked in the last 30 days, then of all time."""
    lists = with_counts(FilmList.objects.filter(visibility=Visibility.PUBLIC).select_related("owner"))
    return lists.filter(_has_films()).order_by("-recent_like_count", "-like_count", "-updated_at", "-pk")


def recent_lists() -> QuerySet[FilmList]:
    """Public lists with at least one film, most recently updated first."""
    lists = with_counts(FilmList.objects.filter(visibility=Visibility.PUBLIC).select_related("owner"))
    return lists.filter(_has_films()).order_by("-updated_at", "-pk")


def lists_of_movie(*, movie: Movie, limit: int = 5) -> list[FilmList]:
    """Public lists holding the film (for its page's small box), most liked first; one query."""
    lists = with_counts(
        FilmList.objects.filter(visibility=Visibility.PUBLIC, entries__movie=movie).select_related("owner")
    )
    return list(lists.order_by("-like_count", "-updated_at", "-pk")[:limit])


def list_entries(*, film_list: FilmList) -> QuerySet[ListEntry]:
    return (
        ListEntry.objects.filter(film_list=film_list)
        .select_related("movie", "added_by")
        .order_by("position", "pk")
    )


def list_comments(*, film_list: FilmList, viewer: Any) -> QuerySet[ListComment]:
    return (
        ListComment.objects.visible_to(viewer)
        .filter(film_list=film_list)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def has_liked(*, film_list: FilmList, user: Any) -> bool:
    member = _member(user)
    return bool(member and ListLike.objects.filter(film_list=film_list, user=member).exists())


def own_lists(*, user: Any) -> QuerySet[FilmList]:
    """Lists the member may add films to: their own and those they collaborate on."""
    member = _member(user)
    if member is None:
        return FilmList.objects.none()
    accepted = ListCollaborator.objects.filter(
        film_list=OuterRef("pk"), member=member, status=ListCollaborator.Status.ACCEPTED
    )
    return (
        FilmList.objects.filter(Q(owner=member) | (Q(collaborative=True) & Q(Exists(accepted))))
        .select_related("owner")
        .order_by("-updated_at", "-pk")
    )


def collaborators_of(*, film_list: FilmList) -> QuerySet[ListCollaborator]:
    return film_list.collaborators.select_related("member").order_by("invited_at", "pk")


def invitations_for(*, user: Any) -> QuerySet[ListCollaborator]:
    """Invitations waiting for the member's answer."""
    member = _member(user)
    if member is None:
        return ListCollaborator.objects.none()
    return (
        ListCollaborator.objects.filter(member=member, status=ListCollaborator.Status.INVITED)
        .select_related("film_list", "film_list__owner")
        .order_by("-invited_at", "-pk")
    )


def invitation_get(*, pk: int, user: Any) -> ListCollaborator:
    found = invitations_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such invitation.")
    return found


def entry_get(*, film_list: FilmList, pk: int) -> ListEntry:
    found = ListEntry.objects.select_related("movie").filter(film_list=film_list, pk=pk).first()
    if found is None:
        raise Http404("No such film on this list.")
    return found


def entries_prefetch() -> Prefetch:
    return Prefetch("entries", queryset=ListEntry.objects.select_related("movie").order_by("position", "pk"))
