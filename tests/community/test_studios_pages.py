"""The members page of a studio: /studio/<slug>/members/ (owners manage, analysts read)."""

import pytest

from community.studios.models import Studio, StudioMembership
from tests.factories import ImportedUserFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StudioMembership.Role
URL = "/studio/northlight/members/"


@pytest.fixture
def studio():
    studio = Studio.objects.create(name="Northlight", slug="northlight")
    Studio.objects.create(name="Elsewhere", slug="elsewhere")
    return studio


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


def test_an_owner_sees_members_and_roles_with_an_invite_form(
    client, owner, analyst, django_assert_max_num_queries
):
    for _ in range(5):
        StudioMembership.objects.create(studio=owner.studios.get(), user=UserFactory())
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "olive" in html and "andy" in html and "Analyst" in html and "Owner" in html
    assert 'name="identifier"' in html
    assert "/studio/northlight/members/" in html and "/remove/" in html


def test_an_analyst_sees_the_member_list_read_only(client, owner, analyst):
    client.force_login(analyst)
    html = client.get(URL).content.decode()
    assert "olive" in html
    assert 'name="identifier"' not in html and "/remove/" not in html
    assert client.post(URL, {"identifier": UserFactory().username, "role": "analyst"}).status_code == 403
    assert client.post(f"{URL}{owner.pk}/remove/").status_code == 403
    assert StudioMembership.objects.count() == 2


def test_people_outside_the_studio_get_404_whether_or_not_it_exists(client, owner):
    outsider = UserFactory()
    elsewhere = Studio.objects.get(slug="elsewhere")
    StudioMembership.objects.create(studio=elsewhere, user=outsider, role=Role.OWNER)
    client.force_login(outsider)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"identifier": outsider.username}).status_code == 404
    assert client.get(f"{URL}{owner.pk}/remove/").status_code == 404
    assert client.get("/studio/no-such-studio/members/").status_code == 404


def test_visitors_are_sent_to_log_in(client, owner):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_owner_invites_by_email_and_sees_errors_inline(client, owner, analyst):
    newcomer = UserFactory(email="Nina@Example.org")
    critic = ImportedUserFactory()
    client.force_login(owner)

    added = client.post(URL, {"identifier": "nina@example.org", "role": "analyst"}, follow=True)
    assert added.redirect_chain[-1][0] == URL
    assert f"{newcomer.username} joined Northlight as analyst." in added.content.decode()
    assert StudioMembership.objects.get(user=newcomer).role == Role.ANALYST

    for identifier, message in [
        ("nobody-here", "No member has that username or email address."),
        (critic.username, "Imported MovieLens raters and critic accounts cannot join a studio."),
        ("ANDY", "andy is already a member of this studio."),
    ]:
        response = client.post(URL, {"identifier": identifier, "role": "analyst"})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert client.post(URL, {"identifier": "", "role": "boss"}).status_code == 400


def test_an_owner_removes_a_member_after_confirming(client, owner, analyst):
    client.force_login(owner)
    confirm = client.get(f"{URL}{analyst.pk}/remove/")
    assert confirm.status_code == 200 and "Remove andy from Northlight?" in confirm.content.decode()
    assert StudioMembership.objects.filter(user=analyst).exists()

    done = client.post(f"{URL}{analyst.pk}/remove/", follow=True)
    assert done.redirect_chain[-1][0] == URL
    assert not StudioMembership.objects.filter(user=analyst).exists()


def test_the_last_owner_cannot_remove_themselves(client, owner):
    client.force_login(owner)
    response = client.post(f"{URL}{owner.pk}/remove/")
    assert response.status_code == 400
    assert "the last owner cannot be removed" in response.content.decode()
    assert StudioMembership.objects.filter(user=owner, role=Role.OWNER).exists()
