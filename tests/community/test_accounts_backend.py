"""The signed-in user read from a copy in the shared cache (community.accounts.backends)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from community.accounts.backends import MemberBackend, _keys
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.CACHE_IS_SHARED = True


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_signed_in_user_is_read_from_its_copy_without_a_database_query(user, django_assert_num_queries):
    backend = MemberBackend()
    assert backend.get_user(user.pk) == user  # read from the database, copy kept
    with django_assert_num_queries(0):
        assert backend.get_user(user.pk).username == user.username


def test_a_password_change_signs_the_other_sessions_out_at_their_next_request(
    user, django_capture_on_commit_callbacks
):
    mine, other = _signed_in(user), _signed_in(user)
    assert other.get(reverse("accounts:settings")).status_code == 200  # its copy is kept
    with django_capture_on_commit_callbacks(execute=True):
        changed = mine.post(
            reverse("accounts:password_change"),
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "n3w-pass-phrase",
                "new_password2": "n3w-pass-phrase",
            },
        )
    assert changed.status_code == 302
    assert mine.get(reverse("accounts:settings")).status_code == 200
    assert other.get(reverse("accounts:settings")).status_code == 302  # to the sign-in page


def test_a_deactivated_member_is_signed_out_at_their_next_request(user, django_capture_on_commit_callbacks):
    client = _signed_in(user)
    assert client.get(reverse("accounts:settings")).status_code == 200
    user.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_a_copy_read_before_a_change_committed_is_never_used_after_it(
    user, django_capture_on_commit_callbacks
):
    backend = MemberBackend()
    stale = backend.get_user(user.pk)
    generation_key, row_key = _keys(user.pk)
    before = cache.get(generation_key)
    user.first_name = "Changed"
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    # a request that read the old row before the commit stores its copy late, under the old token
    cache.set(row_key, (before, stale))
    assert backend.get_user(user.pk).first_name == "Changed"


def test_a_deleted_member_has_no_user(django_capture_on_commit_callbacks):
    member = UserFactory()
    backend = MemberBackend()
    assert backend.get_user(member.pk) == member
    pk = member.pk
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert backend.get_user(pk) is None


def test_without_a_shared_cache_every_request_reads_the_database(user, settings, django_assert_num_queries):
    settings.CACHE_IS_SHARED = False
    backend = MemberBackend()
    backend.get_user(user.pk)
    with django_assert_num_queries(1):
        assert backend.get_user(user.pk) == user
