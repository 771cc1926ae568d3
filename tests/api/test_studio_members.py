"""/api/v1/studios/<slug>/members/: members read, owners add and remove, 400 with field errors."""

import pytest

from community.studios.models import Studio, StudioMembership
from tests.api.conftest import client_for
from tests.factories import ImportedUserFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StudioMembership.Role
URL = "/api/v1/studios/northlight/members/"


@pytest.fixture
def studio(member):
    studio = Studio.objects.create(name="Northlight", slug="northlight")
    StudioMembership.objects.create(studio=studio, user=member, role=Role.OWNER)
    return studio


@pytest.fixture
def analyst(studio):
    user = UserFactory(username="andy")
    StudioMembership.objects.create(studio=studio, user=user, role=Role.ANALYST)
    return user


def test_members_list_their_studios_members(api, member, analyst):
    assert api.get(URL).json() == [
        {"user_id": member.pk, "username": member.username, "role": "owner"},
        {"user_id": analyst.pk, "username": "andy", "role": "analyst"},
    ]
    assert client_for(analyst).get(URL).status_code == 200


def test_an_owner_adds_a_member_by_email(api, studio):
    newcomer = UserFactory(email="Nina@Example.org")
    response = api.post(URL, {"identifier": "NINA@example.org"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"user_id": newcomer.pk, "username": newcomer.username, "role": "analyst"}


def test_bad_invitations_answer_400_with_field_errors(api, analyst):
    critic = ImportedUserFactory()
    cases = [
        ({}, "identifier", "This field is required."),
        ({"identifier": "nobody-here"}, "identifier", "No member has that username or email address."),
        ({"identifier": critic.username}, "identifier", "MovieLens raters and critic accounts cannot join"),
        ({"identifier": "andy"}, "identifier", "andy is already a member of this studio."),
        ({"identifier": "andy", "role": "boss"}, "role", '"boss" is not a valid choice.'),
    ]
    for body, field, message in cases:
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, body
        assert message in response.json()[field][0]


def test_an_owner_removes_a_member_but_not_the_last_owner(api, member, analyst):
    assert api.delete(f"{URL}{analyst.pk}/").status_code == 204
    assert not StudioMembership.objects.filter(user=analyst).exists()

    last = api.delete(f"{URL}{member.pk}/")
    assert last.status_code == 400
    assert "last owner" in last.json()["user"][0]
    assert api.delete(f"{URL}{UserFactory().pk}/").status_code == 404


def test_analysts_cannot_change_members_and_outsiders_cannot_see_them(api, member, analyst, other_api):
    analyst_api = client_for(analyst)
    assert analyst_api.post(URL, {"identifier": UserFactory().username}, format="json").status_code == 403
    assert analyst_api.delete(f"{URL}{member.pk}/").status_code == 403
    assert other_api.get(URL).status_code == 404
    assert other_api.delete(f"{URL}{analyst.pk}/").status_code == 404
    assert StudioMembership.objects.count() == 2


def test_the_members_endpoints_are_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    assert "post" in schema["paths"]["/api/v1/studios/{studio_slug}/members/"]
    assert "delete" in schema["paths"]["/api/v1/studios/{studio_slug}/members/{user_id}/"]
