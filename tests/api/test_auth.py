import pytest

from community.accounts.models import ApiToken
from community.core.api.throttles import LoginRateThrottle
from tests.factories import TEST_PASSWORD, ImportedUserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_a_member_obtains_a_token_with_username_and_password(anon, member):
    response = anon.post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith(body["prefix"])
    assert ApiToken.objects.get(user=member).pk == body["id"]


def test_the_token_authenticates_later_requests(anon, member):
    key = anon.post(TOKEN_URL, {"username": member.username, "password": TEST_PASSWORD}).json()["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert anon.get("/api/v1/me/").json()["username"] == member.username


def test_a_wrong_password_answers_400_without_a_token(anon, member):
    response = anon.post(TOKEN_URL, {"username": member.username, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_imported_raters_cannot_obtain_a_token(anon):
    imported = ImportedUserFactory()
    response = anon.post(TOKEN_URL, {"username": imported.username, "password": ""}, format="json")
    assert response.status_code == 400


def test_missing_fields_answer_field_errors(anon):
    response = anon.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_malformed_json_answers_400(anon):
    response = anon.post(TOKEN_URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_wrong_types_answer_400(anon):
    response = anon.post(TOKEN_URL, {"username": ["a"], "password": {"x": 1}}, format="json")
    assert response.status_code == 400


def test_revoking_the_token_makes_it_useless(api, member):
    assert api.delete(TOKEN_URL).status_code == 204
    assert not ApiToken.objects.filter(user=member).exists()
    assert api.get("/api/v1/me/").status_code == 401


def test_revoking_needs_authentication(anon):
    assert anon.delete(TOKEN_URL).status_code == 401


def test_an_invalid_token_answers_401_with_a_challenge(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anon.get("/api/v1/movies/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication_works_for_the_site(client, member):
    client.force_login(member)
    assert client.get("/api/v1/me/").json()["username"] == member.username


def test_token_requests_are_throttled_per_ip(anon, member, monkeypatch):
    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    statuses = [
        anon.post(TOKEN_URL, {"username": member.username, "password": "wrong"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_signup_creates_a_member_who_can_then_log_in(anon):
    response = anon.post(
        "/api/v1/auth/signup/",
        {"username": "newcomer", "password": TEST_PASSWORD, "email": "new@example.org"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["username"] == "newcomer"
    login = anon.post(TOKEN_URL, {"username": "newcomer", "password": TEST_PASSWORD}, format="json")
    assert login.status_code == 200


def test_signup_rejects_a_weak_password_and_a_taken_username(anon, member):
    response = anon.post(
        "/api/v1/auth/signup/", {"username": member.username, "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert {"username", "password"} <= set(response.json())


def test_anonymous_clients_are_throttled_per_ip(anon, monkeypatch):
    from community.core.api.throttles import AnonThrottle

    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "1000/min"})
    statuses = [anon.get("/api/v1/genres/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "detail" in anon.get("/api/v1/genres/").json()


def test_signed_in_clients_are_throttled_per_user_not_per_ip(api, monkeypatch):
    from community.core.api.throttles import UserThrottle

    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"anon": "1/min", "user": "2/min"})
    statuses = [api.get("/api/v1/genres/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_session_writes_need_the_csrf_token_but_token_writes_do_not(member, api):
    from rest_framework.test import APIClient

    from tests.factories import MovieFactory

    movie = MovieFactory()
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(member)
    refused = browser.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": 4}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert api.put(f"/api/v1/movies/{movie.pk}/rating/", {"score": 4}, format="json").status_code == 200
