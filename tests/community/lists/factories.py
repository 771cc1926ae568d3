"""Factories for film lists (kept beside their tests; the shared ones are in tests/factories.py)."""

from __future__ import annotations

import factory
from django.utils import timezone

from community.accounts.models import Visibility
from community.lists.models import FilmList, ListCollaborator, ListComment, ListEntry, ListLike
from tests.factories import MovieFactory, UserFactory


class FilmListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilmList

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"List {n}")
    description = "Films I keep coming back to."
    visibility = Visibility.PUBLIC
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListEntry

    film_list = factory.SubFactory(FilmListFactory)
    movie = factory.SubFactory(MovieFactory)
    position = factory.Sequence(lambda n: n + 1)
    created_at = factory.LazyFunction(timezone.now)


class ListCollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListCollaborator

    film_list = factory.SubFactory(FilmListFactory, collaborative=True)
    member = factory.SubFactory(UserFactory)
    status = ListCollaborator.Status.ACCEPTED
    invited_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyFunction(timezone.now)


class ListLikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListLike

    user = factory.SubFactory(UserFactory)
    film_list = factory.SubFactory(FilmListFactory)
    created_at = factory.LazyFunction(timezone.now)


class ListCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListComment

    film_list = factory.SubFactory(FilmListFactory)
    author = factory.SubFactory(UserFactory)
    body = "Great picks."
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


def entries_of(film_list):
    """(title, position, note) of each film, in order."""
    return [
        (e.movie.title, e.position, e.note)
        for e in film_list.entries.select_related("movie").order_by("position", "pk")
    ]
