"""A studio's console settings (quotes from spoiler reviews): owners change them on the members
page, through the API and in the admin; analysts only read them; outsiders get 404."""

import pytest
from django.core.exceptions import PermissionDenied

from community.accounts.tokens import token_create
from community.studios.models import Studio, StudioMembership
from community.studios.services import studio_settings_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = StudioMembership.Role
PAGE = "/studio/northlight/members/"
POST = "/studio/northlight/members/settings/"
API = "/api/v1/studios/northlight/settings/"


@pytest.fixture
def studio():
    studio = Studio.objects.create(name="Northlight", slug="northlight")
    Studio.objects.create(name="Elsewhere", slug="elsewhere")
    return studio


def member(studio, role):
    user = UserFactory()
    StudioMembership.objects.create(studio=studio, user=user, role=role)
    return user


def spoilers_shown() -> bool:
    return Studio.objects.get(slug="northlight").show_spoiler_quotes


def test_only_an_owner_may_change_the_settings(studio):
    with pytest.raises(PermissionDenied):
        studio_settings_update(studio=studio, by=member(studio, Role.ANALYST), show_spoiler_quotes=True)
    with pytest.raises(PermissionDenied):
        studio_settings_update(studio=studio, by=UserFactory(), show_spoiler_quotes=True)
    assert spoilers_shown() is False
    studio_settings_update(studio=studio, by=member(studio, Role.OWNER), show_spoiler_quotes=True)
    assert spoilers_shown() is True


def test_an_owner_switches_spoiler_quotes_on_and_off_on_the_members_page(client, studio):
    client.force_login(member(studio, Role.OWNER))
    html = client.get(PAGE).content.decode()
    assert 'name="show_spoiler_quotes"' in html and "not shown" in html
    assert client.post(POST, {"show_spoiler_quotes": "on"}).status_code == 302
    assert spoilers_shown() is True
    page = client.get(PAGE).content.decode()
    assert "now shows quotes from reviews marked as spoilers" in page and " checked" in page
    client.post(POST, {})  # an unticked box is not sent: off
    assert spoilers_shown() is False


def test_an_analyst_sees_the_setting_without_the_form_and_gets_403_on_post(client, studio):
    client.force_login(member(studio, Role.ANALYST))
    html = client.get(PAGE).content.decode()
    assert "Quotes from reviews marked as spoilers: <strong>not shown</strong>" in html
    assert 'name="show_spoiler_quotes"' not in html
    assert client.post(POST, {"show_spoiler_quotes": "on"}).status_code == 403
    assert spoilers_shown() is False


def test_outsiders_get_404_whether_or_not_the_studio_exists(client, studio):
    outsider = UserFactory()
    StudioMembership.objects.create(
        studio=Studio.objects.get(slug="elsewhere"), user=outsider, role=Role.OWNER
    )
    client.force_login(outsider)
    assert client.post(POST, {"show_spoiler_quotes": "on"}).status_code == 404
    assert (
        client.post("/studio/no-such-studio/members/settings/", {"show_spoiler_quotes": "on"}).status_code
        == 404
    )
    assert spoilers_shown() is False


def test_the_api_reads_the_setting_for_members_and_lets_owners_patch_it(client, studio):
    def api(user):
        return {"HTTP_AUTHORIZATION": f"Token {token_create(user=user, name='t')[1]}"}

    owner, analyst, outsider = member(studio, Role.OWNER), member(studio, Role.ANALYST), UserFactory()
    assert client.get(API, **api(analyst)).json() == {"show_spoiler_quotes": False}
    patch = {"data": {"show_spoiler_quotes": True}, "content_type": "application/json"}
    assert client.patch(API, **patch, **api(analyst)).status_code == 403
    assert client.patch(API, **patch, **api(outsider)).status_code == 404
    assert client.get(API, **api(outsider)).status_code == 404
    assert spoilers_shown() is False
    response = client.patch(API, **patch, **api(owner))
    assert response.status_code == 200 and response.json() == {"show_spoiler_quotes": True}
    assert spoilers_shown() is True
    bad = client.patch(
        API, data={"show_spoiler_quotes": "perhaps"}, content_type="application/json", **api(owner)
    )
    assert bad.status_code == 400


def test_site_staff_see_and_change_the_setting_in_the_admin(admin_client, studio):
    listing = admin_client.get("/admin/studios/studio/").content.decode()
    assert "show_spoiler_quotes" in listing or "Show spoiler quotes" in listing
    form = admin_client.get(f"/admin/studios/studio/{studio.pk}/change/").content.decode()
    assert 'name="show_spoiler_quotes"' in form
