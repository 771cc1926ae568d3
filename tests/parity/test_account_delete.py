"""Deleting one's account: the page and the API check the password by one rule, with one
message, against the one lockout per account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.accounts.lockout import WRONG_PASSWORD
from community.accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/me/delete/"


def web_delete(web, user, password):
    return web(user).post(reverse("accounts:delete"), {"password": password})


def api_delete(api, user, password):
    return api(user).post(API, {"password": password}, format="json")


def test_a_wrong_password_is_refused_alike_and_deletes_nothing(web, api):
    on_page, in_api = UserFactory(), UserFactory()
    page = web_delete(web, on_page, "not-it")
    answer = api_delete(api, in_api, "not-it")
    assert (page.status_code, answer.status_code) == (400, 400)
    assert page.context["form"].errors["password"] == [WRONG_PASSWORD]
    assert answer.json() == {"password": [WRONG_PASSWORD]}
    assert User.objects.filter(pk__in=[on_page.pk, in_api.pk]).count() == 2


def test_the_right_password_deletes_the_account_alike(web, api):
    on_page, in_api = UserFactory(), UserFactory()
    assert web_delete(web, on_page, TEST_PASSWORD).status_code == 302
    assert api_delete(api, in_api, TEST_PASSWORD).status_code == 204
    assert not User.objects.filter(pk__in=[on_page.pk, in_api.pk]).exists()


def test_wrong_passwords_on_either_door_count_against_one_lockout(web, api, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    member = UserFactory()
    assert web_delete(web, member, "one").status_code == 400
    assert api_delete(api, member, "two").status_code == 400
    assert web_delete(web, member, "three").status_code == 400
    # Locked now: both doors refuse even the right password, with the same words.
    page = web_delete(web, member, TEST_PASSWORD)
    answer = api_delete(api, member, TEST_PASSWORD)
    assert (page.status_code, answer.status_code) == (429, 429)
    [message] = page.context["form"].non_field_errors()
    assert message.startswith("Too many failed attempts for this account.")
    # The API's throttle answer adds DRF's "Expected available in N seconds." to the same words.
    assert answer.json()["detail"].startswith(message)
    assert abs(int(page["Retry-After"]) - int(answer["Retry-After"])) <= 1  # a second may tick between
    assert User.objects.filter(pk=member.pk).exists()
