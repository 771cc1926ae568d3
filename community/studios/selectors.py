"""Reads about studios and who belongs to them."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from community.accounts.models import User
from community.studios.models import Studio, StudioMembership


def studio_list_for_member(*, user: User) -> QuerySet[Studio]:
    """The studios the user belongs to, each with `my_role` and `movie_count`, by name."""
    role = StudioMembership.objects.filter(studio=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Studio.objects.filter(memberships__user=user)
        .annotate(my_role=Subquery(role), movie_count=Count("movies", distinct=True))
        .order_by("name")
    )


def studio_membership_get(*, user: User, slug: str) -> StudioMembership:
    """The user's membership of the studio with this slug (its `studio` loaded).

    Raises Http404 when the studio does not exist or the user is not in it, so an outsider
    cannot tell the two apart.
    """
    if not user.is_authenticated:
        raise Http404
    membership = (
        StudioMembership.objects.select_related("studio").filter(user=user, studio__slug=slug).first()
    )
    if membership is None:
        raise Http404
    return membership


def studio_member_list(*, studio: Studio) -> QuerySet[StudioMembership]:
    """The studio's memberships with their users: owners first, then by username."""
    owners_first = Case(When(role=StudioMembership.Role.OWNER, then=Value(0)), default=Value(1))
    return (
        StudioMembership.objects.filter(studio=studio)
        .select_related("user")
        .annotate(role_order=owners_first)
        .order_by("role_order", "user__username", "pk")
    )


def studio_owner_count_subquery() -> Coalesce:
    """How many owners the outer studio has (0 when none), for annotations."""
    counts = (
        StudioMembership.objects.filter(studio=OuterRef("pk"), role=StudioMembership.Role.OWNER)
        .order_by()
        .values("studio")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def studios_only_owned_by(*, user: User) -> QuerySet[Studio]:
    """Studios where the user is the one and only owner."""
    return (
        Studio.objects.filter(memberships__user=user, memberships__role=StudioMembership.Role.OWNER)
        .annotate(owner_count=studio_owner_count_subquery())
        .filter(owner_count=1)
        .order_by("name")
    )


def studio_with_most_watched_films() -> Studio | None:
    """The studio with the most films that have ratings or reviews (ties: by name)."""
    watched = Q(movies__rating_count__gt=0) | Q(movies__review_count__gt=0)
    return (
        Studio.objects.annotate(watched=Count("movies", filter=watched, distinct=True))
        .filter(watched__gt=0)
        .order_by("-watched", "name")
        .first()
    )
