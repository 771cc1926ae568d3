"""Issue 13, weaknesses 1, 2, 4 and 11: password guessing, spoofed addresses, admin login, signup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community.accounts.models import LoginLockout, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"


def spoofed(n: int) -> dict[str, str]:
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n % 250}"}


def test_a_spoofed_forwarded_for_header_does_not_lift_the_token_throttle():
    member = UserFactory()
    client = APIClient()
    statuses = [
        client.post(
            TOKEN_URL, {"username": member.username, "password": f"wrong{n}"}, format="json", **spoofed(n)
        ).status_code
        for n in range(30)
    ]
    assert 429 in statuses
    assert statuses.count(400) <= 10
    right = client.post(
        TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}, format="json", **spoofed(99)
    )
    assert right.status_code == 429


def test_guessing_from_many_real_addresses_still_locks_the_account():
    member = UserFactory()
    client = APIClient()
    for n in range(12):
        client.post(
            TOKEN_URL,
            {"username": member.username, "password": f"wrong{n}"},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    right = client.post(
        TOKEN_URL,
        {"username": member.username, "password": TEST_PASSWORD},
        format="json",
        REMOTE_ADDR="198.51.100.200",
    )
    assert right.status_code == 429
    assert "Too many failed attempts" in right.json()["detail"]
    assert int(right["Retry-After"]) > 0


def test_the_token_endpoint_honours_a_lockout_earned_on_the_web_form(client):
    member = UserFactory()
    for n in range(10):
        client.post(LOGIN_URL, {"username": member.username, "password": "guess"}, REMOTE_ADDR=f"192.0.2.{n}")
    response = APIClient().post(
        TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429


def test_the_web_form_honours_a_lockout_earned_on_the_token_endpoint(client):
    member = UserFactory()
    api = APIClient()
    for n in range(10):
        api.post(
            TOKEN_URL,
            {"username": member.username, "password": "guess"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{n}",
        )
    response = client.post(LOGIN_URL, {"username": member.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts" in response.content.decode()


def test_a_name_without_an_account_locks_the_same_way_so_answers_reveal_nothing():
    api = APIClient()
    for n in range(10):
        api.post(
            TOKEN_URL, {"username": "nobody-here", "password": "x"}, format="json", REMOTE_ADDR=f"192.0.2.{n}"
        )
    assert LoginLockout.objects.filter(username_key="nobody-here", failures=10).exists()


def test_the_right_password_clears_earlier_failures():
    member = UserFactory()
    api = APIClient()
    for n in range(5):
        api.post(
            TOKEN_URL,
            {"username": member.username, "password": "x"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{n}",
        )
    ok = api.post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}, format="json")
    assert ok.status_code == 200
    assert not LoginLockout.objects.filter(username_key=member.username.lower()).exists()


def test_admin_login_is_throttled_per_address_even_with_spoofed_headers(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    statuses = [
        client.post(ADMIN_LOGIN_URL, {"username": f"boss{n}", "password": "wrong"}, **spoofed(n)).status_code
        for n in range(30)
    ]
    assert statuses.count(429) >= 15


def test_admin_login_refuses_the_right_password_while_the_account_is_locked(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    for n in range(10):
        client.post(LOGIN_URL, {"username": "boss", "password": "guess"}, REMOTE_ADDR=f"192.0.2.{n}")
    response = client.post(
        ADMIN_LOGIN_URL, {"username": "boss", "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.77"
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts" in response.content.decode()


def test_wrong_passwords_on_account_deletion_count_towards_the_same_lockout(client):
    member = UserFactory()
    client.force_login(member)
    for _ in range(10):
        client.post(reverse("accounts:delete"), {"password": "guess"})
    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=member.pk).exists()
    login = APIClient().post(
        TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}, format="json"
    )
    assert login.status_code == 429


def test_wrong_passwords_on_the_api_password_change_count_towards_the_same_lockout():
    from community.accounts.tokens import token_create

    member = UserFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=member)[1]}")
    for n in range(10):
        api.post(
            "/api/v1/me/password/",
            {"old_password": "guess", "new_password": "a-new-long-passphrase"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{n}",
        )
    response = api.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password": "a-new-long-passphrase"},
        format="json",
        REMOTE_ADDR="192.0.2.99",
    )
    assert response.status_code == 429
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_web_signup_is_limited_per_address(client):
    statuses = []
    for n in range(12):
        response = client.post(
            reverse("accounts:signup"),
            {
                "username": f"newbie{n}",
                "email": "",
                "password": TEST_PASSWORD,
                "password_confirm": TEST_PASSWORD,
            },
            **spoofed(n),
        )
        statuses.append(response.status_code)
        client.logout()
    assert statuses.count(302) == 5
    assert statuses[-1] == 429
    assert User.objects.filter(username__startswith="newbie").count() == 5


def test_a_refused_signup_keeps_what_was_typed(client):
    for n in range(5):
        client.post(
            reverse("accounts:signup"),
            {"username": f"early{n}", "password": TEST_PASSWORD, "password_confirm": TEST_PASSWORD},
        )
        client.logout()
    response = client.post(
        reverse("accounts:signup"),
        {"username": "latecomer", "email": "late@example.org", "password": "x", "password_confirm": "x"},
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert 'value="latecomer"' in page and 'value="late@example.org"' in page
    assert "Too many new accounts" in page


def test_api_signup_is_not_lifted_by_spoofed_headers():
    api = APIClient()
    statuses = [
        api.post(
            "/api/v1/auth/signup/",
            {"username": f"bot{n}", "password": TEST_PASSWORD},
            format="json",
            **spoofed(n),
        ).status_code
        for n in range(8)
    ]
    assert statuses.count(201) == 5 and statuses[-1] == 429


def test_a_configured_proxy_is_believed_and_separates_its_clients(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    member = UserFactory()
    api = APIClient()

    def attempt(client_address: str, remote: str = "10.0.0.5") -> int:
        return api.post(
            TOKEN_URL,
            {"username": member.username, "password": "wrong"},
            format="json",
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=f"{client_address}, 10.0.0.9",
        ).status_code

    first = [attempt("203.0.113.1") for _ in range(11)]
    assert first[-1] == 429
    LoginLockout.objects.all().delete()
    assert attempt("203.0.113.2") == 400  # another client behind the same proxy has its own budget


def test_client_ip_ignores_the_header_unless_a_proxy_is_configured(rf, settings):
    from community.core.clientip import client_ip

    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.TRUSTED_PROXIES, settings.NUM_PROXIES = [], 0
    assert client_ip(request) == "192.0.2.1"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "6.6.6.6"
    settings.NUM_PROXIES = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request) == "192.0.2.1"  # the connecting address is not a trusted proxy
    proxied = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 5.5.5.5, 10.2.2.2")
    assert client_ip(proxied) == "5.5.5.5"  # the rightmost address no trusted proxy added
    garbage = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.1.1.1"


def test_production_settings_refuse_to_start_without_a_shared_cache(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "CACHE_URL": "",
        "CINECIRCLE_CACHE_DIR": str(tmp_path),
    }
    env.pop("ALLOW_PER_PROCESS_CACHE", None)
    code = "import django; django.setup()"
    root = Path(__file__).resolve().parents[2]
    failed = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=120
    )
    assert failed.returncode != 0
    assert "CACHE_URL" in failed.stderr
    ok = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "CACHE_URL": "redis://127.0.0.1:6379/15"},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
