"""Lists: who sees them, who changes them, likes, comments and the order of films."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from community.accounts.models import Visibility
from community.lists import selectors, services
from community.lists.models import FilmList, ListCollaborator, ListComment, ListEntry
from tests.community.lists.factories import (
    FilmListFactory,
    ListCollaboratorFactory,
    ListCommentFactory,
    ListEntryFactory,
    ListLikeFactory,
)
from tests.factories import FollowFactory, MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(lists):
    return sorted(film_list.title for film_list in lists)


def test_each_visibility_reaches_exactly_its_audience():
    owner, follower, collaborator, stranger = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=follower, followee=owner)
    FilmListFactory(owner=owner, title="open", visibility=Visibility.PUBLIC)
    FilmListFactory(owner=owner, title="friends", visibility=Visibility.FOLLOWERS)
    private = FilmListFactory(owner=owner, title="secret", visibility=Visibility.ONLY_ME, collaborative=True)
    ListCollaboratorFactory(film_list=private, member=collaborator)

    assert titles(selectors.lists_visible_to(None)) == ["open"]
    assert titles(selectors.lists_visible_to(stranger)) == ["open"]
    assert titles(selectors.lists_visible_to(follower)) == ["friends", "open"]
    assert titles(selectors.lists_visible_to(collaborator)) == ["open", "secret"]
    assert titles(selectors.lists_visible_to(owner)) == ["friends", "open", "secret"]
    with pytest.raises(Http404):
        selectors.list_get(pk=private.pk, viewer=stranger)
    # Search never finds what the searcher may not see; popular and recent are public only.
    assert titles(selectors.list_search(viewer=stranger, query="")) == ["open"]
    assert titles(selectors.list_search(viewer=follower, query="friends")) == ["friends"]


def test_popular_lists_rank_by_likes_this_month_then_all_time():
    old, fresh, none = (
        FilmListFactory(title="old"),
        FilmListFactory(title="fresh"),
        FilmListFactory(title="none"),
    )
    hidden = FilmListFactory(title="hidden", visibility=Visibility.ONLY_ME)
    for film_list in (old, fresh, none, hidden):
        ListEntryFactory(film_list=film_list)
    long_ago = timezone.now() - timedelta(days=60)
    for _ in range(3):
        ListLikeFactory(film_list=old, created_at=long_ago)
    ListLikeFactory(film_list=fresh)
    ListLikeFactory(film_list=hidden)
    FilmListFactory(title="empty")  # no films: not shown as popular or recent
    assert [f.title for f in selectors.popular_lists()] == ["fresh", "old", "none"]
    assert "empty" not in [f.title for f in selectors.recent_lists()]


def test_films_are_added_once_and_moved_removed_and_reordered_without_gaps():
    owner = UserFactory()
    film_list = services.list_create(owner=owner, title="Top", ranked=True)
    movies = [MovieFactory() for _ in range(3)]
    entries = [services.entry_add(film_list=film_list, user=owner, movie=m) for m in movies]
    assert [e.position for e in entries] == [1, 2, 3]
    with pytest.raises(ValidationError) as caught:
        services.entry_add(film_list=film_list, user=owner, movie=movies[0])
    assert caught.value.message_dict == {"movie": [services.ALREADY_ON_LIST]}

    services.entry_move(entry=entries[2], user=owner, direction="up")
    services.entry_move(entry=entries[0], user=owner, direction="up")  # at the top: nothing moves
    order = list(film_list.entries.order_by("position").values_list("movie_id", "position"))
    assert order == [(movies[0].pk, 1), (movies[2].pk, 2), (movies[1].pk, 3)]

    services.entry_remove(entry=ListEntry.objects.get(movie=movies[0]), user=owner)
    assert list(film_list.entries.order_by("position").values_list("position", flat=True)) == [1, 2]

    remaining = list(film_list.entries.order_by("-position").values_list("pk", flat=True))
    services.entries_reorder(film_list=film_list, user=owner, entry_ids=remaining)
    assert list(film_list.entries.order_by("position").values_list("pk", flat=True)) == remaining
    with pytest.raises(ValidationError):
        services.entries_reorder(film_list=film_list, user=owner, entry_ids=remaining[:1])
    with pytest.raises(ValidationError):
        services.entry_move(entry=entries[1], user=owner, direction="sideways")


def test_collaborators_change_films_but_not_the_list_itself():
    owner, invitee, stranger = UserFactory(), UserFactory(), UserFactory()
    film_list = services.list_create(owner=owner, title="Shared", visibility=Visibility.ONLY_ME)
    with pytest.raises(ValidationError):
        services.collaborator_invite(film_list=film_list, user=owner, member=invitee)  # not collaborative
    film_list.collaborative = True
    film_list.save()
    with pytest.raises(PermissionDenied):
        services.collaborator_invite(film_list=film_list, user=stranger, member=invitee)
    invitation = services.collaborator_invite(film_list=film_list, user=owner, member=invitee)
    movie = MovieFactory()
    with pytest.raises(PermissionDenied):  # invited, not yet accepted
        services.entry_add(film_list=film_list, user=invitee, movie=movie)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=stranger)
    services.invitation_accept(invitation=invitation, user=invitee)

    entry = services.entry_add(film_list=film_list, user=invitee, movie=movie, note="mine")
    services.entry_update(entry=entry, user=invitee, note="changed")
    services.entry_move(entry=entry, user=invitee, direction="down")
    assert entry.added_by == invitee
    with pytest.raises(PermissionDenied):
        services.list_update(
            film_list=film_list,
            user=invitee,
            title="Mine now",
            description="",
            ranked=False,
            visibility=Visibility.PUBLIC,
            collaborative=True,
        )
    with pytest.raises(PermissionDenied):
        services.list_delete(film_list=film_list, user=invitee)
    with pytest.raises(PermissionDenied):
        services.entry_add(film_list=film_list, user=stranger, movie=MovieFactory())
    # When the owner turns collaboration off, the collaborator's rights stop.
    film_list.collaborative = False
    film_list.save()
    with pytest.raises(PermissionDenied):
        services.entry_remove(entry=entry, user=invitee)
    # A collaborator may leave; only the owner removes someone else.
    with pytest.raises(PermissionDenied):
        services.collaborator_remove(film_list=film_list, user=stranger, member=invitee)
    assert services.collaborator_remove(film_list=film_list, user=invitee, member=invitee)


def test_only_public_lists_are_liked_and_commented_on():
    member = UserFactory()
    private = FilmListFactory(visibility=Visibility.FOLLOWERS)
    with pytest.raises(ValidationError):
        services.list_like_set(film_list=private, user=member, liked=True)
    with pytest.raises(ValidationError):
        services.comment_create(film_list=private, user=member, body="Hello")
    public = FilmListFactory()
    assert services.list_like_set(film_list=public, user=member, liked=True)
    assert services.list_like_set(film_list=public, user=member, liked=True)  # twice is harmless
    assert public.likes.count() == 1
    assert not services.list_like_set(film_list=public, user=member, liked=False)
    with pytest.raises(ValidationError) as caught:
        services.comment_create(film_list=public, user=member, body="   ")
    assert "body" in caught.value.message_dict


def test_hidden_comments_show_only_to_their_author():
    film_list = FilmListFactory()
    comment = ListCommentFactory(film_list=film_list)
    staff = UserFactory(is_staff=True)
    services.comment_visibility_set(staff=staff, comment=comment, reason="Spam", hidden=True)
    assert list(selectors.list_comments(film_list=film_list, viewer=UserFactory())) == []
    assert list(selectors.list_comments(film_list=film_list, viewer=comment.author)) == [comment]
    with pytest.raises(PermissionDenied):
        services.comment_visibility_set(staff=UserFactory(), comment=comment, reason="x", hidden=False)


def test_deleting_a_list_keeps_it_for_others_comments_without_the_owners_words():
    owner = UserFactory()
    quiet = FilmListFactory(owner=owner)
    ListCommentFactory(film_list=quiet, author=owner)
    assert services.list_delete(film_list=quiet, user=owner)
    assert not FilmList.objects.filter(pk=quiet.pk).exists()

    talked = FilmListFactory(owner=owner, description="Mine")
    ListEntryFactory(film_list=talked, note="my note")
    theirs = ListCommentFactory(film_list=talked)
    assert not services.list_delete(film_list=talked, user=owner)
    talked.refresh_from_db()
    assert talked.owner is None and talked.description == ""
    assert list(talked.entries.values_list("note", flat=True)) == [""]
    assert ListComment.objects.filter(pk=theirs.pk).exists()


def test_an_account_leaving_hands_collaborative_lists_on_and_keeps_others_words():
    leaver, heir, commenter = UserFactory(), UserFactory(), UserFactory()
    shared = FilmListFactory(owner=leaver, collaborative=True, description="by leaver")
    ListCollaboratorFactory(film_list=shared, member=heir)
    ListEntryFactory(film_list=shared, added_by=heir, note="heir's note")
    ListEntryFactory(film_list=shared, added_by=leaver, note="leaver's note")
    commented = FilmListFactory(owner=leaver)
    ListCommentFactory(film_list=commented, author=commenter)
    alone = FilmListFactory(owner=leaver)
    others = FilmListFactory(owner=heir, collaborative=True)
    ListCollaboratorFactory(film_list=others, member=leaver)
    theirs_by_leaver = ListEntryFactory(film_list=others, added_by=leaver, note="leaver wrote")

    services.lists_owner_leaving(user=leaver)
    leaver.delete()

    shared.refresh_from_db()
    assert shared.owner == heir and shared.description == ""
    assert sorted(shared.entries.values_list("note", flat=True)) == ["", "heir's note"]
    assert not shared.collaborators.filter(member=heir).exists()
    commented.refresh_from_db()
    assert commented.owner is None and commented.comments.count() == 1
    assert not FilmList.objects.filter(pk=alone.pk).exists()
    theirs_by_leaver.refresh_from_db()
    assert theirs_by_leaver.note == "" and theirs_by_leaver.added_by is None
    assert not ListCollaborator.objects.filter(film_list=others).exists()
