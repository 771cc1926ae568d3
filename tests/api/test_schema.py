import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_as_openapi_3(anon):
    response = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/movies/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_every_operation_documents_its_responses_and_error_answers(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path)
            assert codes & {"200", "201", "202", "204"}, (method, path)
            bodyless = (
                "/like/",
                "/review-draft/",
                "/discussion-suggestions/",
                "/onboarding/",
                "/email/resend/",
            )
            if method in {"post", "put", "patch"} and not path.endswith(bodyless):
                assert "requestBody" in operation, (method, path)


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_docs_page_uses_local_assets_only(anon):
    response = anon.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_unknown_api_paths_answer_json_404(anon):
    response = anon.get("/api/v1/no/such/thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_body_in_an_unsupported_media_type_answers_415(api):
    response = api.post("/api/v1/me/watchlist/", data="movie_id=1", content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()
