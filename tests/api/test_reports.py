"""POST /api/v1/reports/: members report a review, thread or reply once each."""

from __future__ import annotations

import pytest

from community.moderation import services
from community.moderation.models import Report
from tests.factories import ReplyFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def test_a_member_reports_a_review_thread_and_reply(api, member):
    review, thread, reply = ReviewFactory(), ThreadFactory(), ReplyFactory()
    for kind, target in (("review", review), ("thread", thread), ("reply", reply)):
        response = api.post(
            URL, {"kind": kind, "id": target.pk, "reason": "spam", "note": "ads"}, format="json"
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["kind"] == kind and body["target_id"] == target.pk and body["status"] == "open"
    assert Report.objects.filter(reporter=member).count() == 3


def test_a_second_report_of_the_same_post_is_a_400(api):
    review = ReviewFactory()
    first = api.post(URL, {"kind": "review", "id": review.pk, "reason": "abuse"}, format="json")
    assert first.status_code == 201
    again = api.post(URL, {"kind": "review", "id": review.pk, "reason": "spam"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["You already reported this."]}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"kind": "movie", "id": 1, "reason": "spam"}, "kind"),
        ({"kind": "review", "id": "x", "reason": "spam"}, "id"),
        ({"kind": "review", "id": 0, "reason": "spam"}, "id"),
        ({"kind": "review", "id": 10**30, "reason": "spam"}, "id"),
        ({"kind": "review", "id": 999999, "reason": "spam"}, "id"),
        ({"kind": "review", "reason": "boring"}, "reason"),
        ({"kind": "review", "reason": "other", "note": "x" * 1001}, "note"),
    ],
)
def test_bad_input_gives_field_errors(api, payload, field):
    if "id" not in payload:
        payload = {**payload, "id": ReviewFactory().pk}
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_member_cannot_report_their_own_post_or_a_hidden_one(api, member):
    own = ReviewFactory(user=member)
    assert api.post(URL, {"kind": "review", "id": own.pk, "reason": "spam"}, format="json").status_code == 400
    hidden = ReplyFactory()
    services.content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="Spam")
    response = api.post(URL, {"kind": "reply", "id": hidden.pk, "reason": "spam"}, format="json")
    assert response.status_code == 400 and "id" in response.json()


def test_visitors_cannot_report(anon):
    response = anon.post(URL, {"kind": "review", "id": ReviewFactory().pk, "reason": "spam"}, format="json")
    assert response.status_code in (401, 403)


def test_the_schema_documents_the_reports_endpoint(anon):
    schema = anon.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/reports/"]["post"]
    assert "201" in post["responses"] and "400" in post["responses"]
