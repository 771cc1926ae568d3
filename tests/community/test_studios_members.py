"""Studio roles: owners invite and remove members; the last owner stays; staff see ownerless studios."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.accounts.services import account_delete
from community.studios.models import Studio, StudioMembership
from community.studios.selectors import studio_list_for_member, studio_member_list
from community.studios.services import studio_member_invite, studio_member_remove
from tests.factories import ImportedUserFactory, MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StudioMembership.Role


@pytest.fixture
def studio():
    return Studio.objects.create(name="Northlight", slug="northlight")


@pytest.fixture
def owner(studio):
    user = UserFactory(username="olive")
    StudioMembership.objects.create(studio=studio, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def analyst(studio):
    user = UserFactory(username="andy")
    StudioMembership.objects.create(studio=studio, user=user, role=Role.ANALYST)
    return user


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_an_owner_invites_an_analyst_by_username_or_email_in_any_case(studio, owner):
    by_name = UserFactory(username="Bea")
    by_email = UserFactory(email="Cal@Example.org")

    first = studio_member_invite(studio=studio, by=owner, identifier="  bea ")
    second = studio_member_invite(studio=studio, by=owner, identifier="cal@example.ORG")

    assert (first.user, first.role) == (by_name, Role.ANALYST)
    assert (second.user, second.role) == (by_email, Role.ANALYST)


def test_an_owner_may_invite_another_owner(studio, owner):
    other = UserFactory()
    membership = studio_member_invite(studio=studio, by=owner, identifier=other.username, role="owner")
    assert membership.role == "owner"


def test_inviting_explains_unknown_imported_and_existing_members(studio, owner, analyst):
    critic = ImportedUserFactory()
    with pytest.raises(ValidationError) as unknown:
        studio_member_invite(studio=studio, by=owner, identifier="nobody-here")
    with pytest.raises(ValidationError) as imported:
        studio_member_invite(studio=studio, by=owner, identifier=critic.username)
    with pytest.raises(ValidationError) as already:
        studio_member_invite(studio=studio, by=owner, identifier="ANDY")
    with pytest.raises(ValidationError) as blank:
        studio_member_invite(studio=studio, by=owner, identifier=" ")
    with pytest.raises(ValidationError) as bad_role:
        studio_member_invite(studio=studio, by=owner, identifier=critic.username, role="boss")

    assert _errors(unknown) == {"identifier": ["No member has that username or email address."]}
    assert _errors(imported) == {
        "identifier": ["Imported MovieLens raters and critic accounts cannot join a studio."]
    }
    assert _errors(already) == {"identifier": ["andy is already a member of this studio."]}
    assert _errors(blank) == {"identifier": ["Enter a username or email address."]}
    assert "role" in _errors(bad_role)
    assert studio.memberships.count() == 2


def test_only_owners_invite_or_remove(studio, owner, analyst):
    outsider = UserFactory()
    for by in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            studio_member_invite(studio=studio, by=by, identifier=UserFactory().username)
        with pytest.raises(PermissionDenied):
            studio_member_remove(studio=studio, by=by, user=owner)
    assert studio.memberships.count() == 2


def test_an_owner_removes_an_analyst(studio, owner, analyst):
    studio_member_remove(studio=studio, by=owner, user=analyst)
    assert list(studio.members.all()) == [owner]


def test_the_last_owner_cannot_be_removed_but_one_of_two_can(studio, owner):
    with pytest.raises(ValidationError) as last:
        studio_member_remove(studio=studio, by=owner, user=owner)
    assert "last owner" in _errors(last)["user"][0]

    second = UserFactory()
    studio_member_invite(studio=studio, by=owner, identifier=second.username, role=Role.OWNER)
    studio_member_remove(studio=studio, by=second, user=owner)
    assert list(studio.members.all()) == [second]


def test_removing_someone_outside_the_studio_is_a_field_error(studio, owner):
    with pytest.raises(ValidationError) as exc:
        studio_member_remove(studio=studio, by=owner, user=UserFactory())
    assert _errors(exc) == {"user": ["That person is not a member of this studio."]}


def test_selectors_list_a_members_studios_and_a_studios_members(studio, owner, analyst):
    studio.movies.add(MovieFactory(), MovieFactory())
    Studio.objects.create(name="Elsewhere", slug="elsewhere")

    mine = list(studio_list_for_member(user=analyst))
    assert [(s.slug, s.my_role, s.movie_count) for s in mine] == [("northlight", "analyst", 2)]
    assert [(m.user.username, m.role) for m in studio_member_list(studio=studio)] == [
        ("olive", "owner"),
        ("andy", "analyst"),
    ]


def test_deleting_the_only_owners_account_warns_and_lists_the_studio_as_without_owner(
    studio, owner, analyst, caplog, admin_client
):
    with caplog.at_level(logging.WARNING, logger="community.studios.services"):
        account_delete(user=owner)

    assert "northlight loses its only owner" in caplog.text
    assert list(studio.members.all()) == [analyst]
    page = admin_client.get("/admin/studios/studio/?owner=none")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [studio]
    assert list(admin_client.get("/admin/studios/studio/?owner=some").context["cl"].result_list) == []


def test_the_admin_lists_studios_with_film_and_member_counts_and_searches_members(
    studio, owner, analyst, admin_client
):
    studio.movies.add(MovieFactory(), MovieFactory(), MovieFactory())

    page = admin_client.get("/admin/studios/studio/")
    row = page.context["cl"].result_list[0]
    assert (row.film_total, row.member_total, row.owner_count) == (3, 2, 1)
    assert list(admin_client.get("/admin/studios/studio/?q=andy").context["cl"].result_list) == [studio]
    assert admin_client.get(f"/admin/studios/studio/{studio.pk}/change/").status_code == 200
