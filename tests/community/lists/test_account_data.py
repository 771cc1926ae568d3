"""Lists in "download my data" and in account deletion."""

import pytest

from community.accounts.services import account_delete, account_export
from community.lists.models import FilmList, ListComment
from tests.community.lists.factories import (
    FilmListFactory,
    ListCommentFactory,
    ListEntryFactory,
    ListLikeFactory,
)
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_members_lists_entries_likes_and_comments(user):
    film_list = FilmListFactory(owner=user, title="Mine")
    ListEntryFactory(film_list=film_list, movie=MovieFactory(title="Heat"), note="why")
    ListLikeFactory(user=user)
    ListCommentFactory(author=user, body="Nice list")
    document = account_export(user=user)
    assert document["lists"][0]["title"] == "Mine"
    assert document["lists"][0]["entries"][0]["movie"] == "Heat"
    assert document["lists"][0]["entries"][0]["note"] == "why"
    assert len(document["list_likes"]) == 1
    assert document["list_comments"][0]["body"] == "Nice list"


def test_deleting_the_account_removes_its_lists_but_not_others_words(user):
    quiet = FilmListFactory(owner=user)
    commented = FilmListFactory(owner=user)
    theirs = ListCommentFactory(film_list=commented)
    mine_elsewhere = ListCommentFactory(author=user)
    account_delete(user=user)
    assert not FilmList.objects.filter(pk=quiet.pk).exists()
    commented.refresh_from_db()
    assert commented.owner is None
    assert ListComment.objects.filter(pk=theirs.pk).exists()
    assert not ListComment.objects.filter(pk=mine_elsewhere.pk).exists()
    assert UserFactory()  # the site carries on
