"""The Django admin as a moderation desk: the reports queue, hide/restore actions, the audit log."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from community.moderation import services
from community.moderation.models import ModerationAction, Report
from tests.factories import ReplyFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_reports_queue_lists_reports_with_excerpt_and_reporter_count(
    admin_client, django_assert_max_num_queries
):
    review = ReviewFactory(body="This film is a scam, visit my shop")
    for _ in range(3):
        services.report_create(reporter=UserFactory(), target=review, reason="spam", note="")
    for _ in range(5):
        services.report_create(reporter=UserFactory(), target=ReplyFactory(), reason="abuse", note="")
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/moderation/report/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This film is a scam" in body
    assert "Spam" in body and "Abuse or harassment" in body
    assert admin_client.get("/admin/moderation/report/?kind=review").context["cl"].result_count == 3
    assert (
        admin_client.get("/admin/moderation/report/?status__exact=open&reason__exact=abuse")
        .context["cl"]
        .result_count
        == 5
    )
    assert admin_client.get("/admin/moderation/report/?q=scam").context["cl"].result_count == 3
    cl = admin_client.get("/admin/moderation/report/?kind=review").context["cl"]
    assert {r.reporters for r in cl.result_list} == {3}


def test_the_hide_action_asks_for_a_reason_then_hides(admin_client):
    thread = ThreadFactory()
    report = services.report_create(reporter=UserFactory(), target=thread, reason="off_topic", note="")
    data = {"action": "hide_reported_content", ACTION_CHECKBOX_NAME: [report.pk]}
    page = admin_client.post("/admin/moderation/report/", data)
    assert page.status_code == 200 and b'name="reason"' in page.content
    thread.refresh_from_db()
    assert thread.hidden_at is None
    done = admin_client.post(
        "/admin/moderation/report/", {**data, "apply": "1", "reason": "Not about the film"}
    )
    assert done.status_code == 302
    thread.refresh_from_db()
    report.refresh_from_db()
    assert thread.hidden_reason == "Not about the film" and report.status == Report.Status.HIDDEN


def test_the_dismiss_action_closes_the_report(admin_client):
    report = services.report_create(reporter=UserFactory(), target=ReviewFactory(), reason="spoiler", note="")
    admin_client.post(
        "/admin/moderation/report/",
        {"action": "dismiss_reports", ACTION_CHECKBOX_NAME: [report.pk], "apply": "1", "reason": "Fine"},
    )
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED


def test_review_thread_and_reply_admins_hide_and_restore(admin_client):
    review, thread, reply = ReviewFactory(), ThreadFactory(), ReplyFactory()
    for url, obj in (
        ("/admin/reviews/review/", review),
        ("/admin/discussions/thread/", thread),
        ("/admin/discussions/reply/", reply),
    ):
        admin_client.post(
            url, {"action": "hide_content", ACTION_CHECKBOX_NAME: [obj.pk], "apply": "1", "reason": "R"}
        )
        obj.refresh_from_db()
        assert obj.hidden_at is not None, url
        assert admin_client.get(url + "?hidden=yes").context["cl"].result_count == 1
        admin_client.post(
            url, {"action": "restore_content", ACTION_CHECKBOX_NAME: [obj.pk], "apply": "1", "reason": "Back"}
        )
        obj.refresh_from_db()
        assert obj.hidden_at is None, url
    assert ModerationAction.objects.count() == 6


def test_the_audit_log_cannot_be_added_changed_or_deleted_even_by_a_superuser(admin_client):
    entry = services.content_hide(staff=UserFactory(is_staff=True), target=ReviewFactory(), reason="Spam")
    listing = admin_client.get("/admin/moderation/moderationaction/")
    assert listing.status_code == 200 and b"Spam" in listing.content
    change = admin_client.get(f"/admin/moderation/moderationaction/{entry.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert (
        admin_client.post(
            f"/admin/moderation/moderationaction/{entry.pk}/change/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert admin_client.get("/admin/moderation/moderationaction/add/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/moderation/moderationaction/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.reason == "Spam"


def test_members_cannot_open_the_moderation_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/moderation/report/").status_code == 302
