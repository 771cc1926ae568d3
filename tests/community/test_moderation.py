"""Moderation: reports once per member, staff-only hiding and restoring, the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.moderation import services
from community.moderation.models import ModerationAction, Report
from tests.factories import ReplyFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def test_a_member_reports_a_post_once_only():
    review = ReviewFactory()
    reporter = UserFactory()
    report = services.report_create(reporter=reporter, target=review, reason="spam", note="buy pills")
    assert report.status == Report.Status.OPEN and report.kind == "review"
    with pytest.raises(ValidationError, match="You already reported this"):
        services.report_create(reporter=reporter, target=review, reason="abuse", note="")
    # another member may report it too, and the same member may report other posts
    services.report_create(reporter=UserFactory(), target=review, reason="spam", note="")
    services.report_create(reporter=reporter, target=ThreadFactory(), reason="off_topic", note="")
    services.report_create(reporter=reporter, target=ReplyFactory(), reason="other", note="")
    assert Report.objects.count() == 4


def test_a_report_needs_a_known_reason_a_short_note_and_someone_elses_post():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as bad_reason:
        services.report_create(reporter=UserFactory(), target=review, reason="boring", note="")
    assert "reason" in bad_reason.value.message_dict
    with pytest.raises(ValidationError) as long_note:
        services.report_create(reporter=UserFactory(), target=review, reason="other", note="x" * 1001)
    assert "note" in long_note.value.message_dict
    with pytest.raises(ValidationError, match="your own"):
        services.report_create(reporter=review.user, target=review, reason="spam", note="")


def test_only_staff_can_hide_content():
    review = ReviewFactory()
    with pytest.raises(PermissionDenied):
        services.content_hide(staff=UserFactory(), target=review, reason="spam")
    review.refresh_from_db()
    assert review.hidden_at is None
    assert not ModerationAction.objects.exists()


def test_hiding_closes_open_reports_and_is_logged_with_a_snapshot(staff):
    thread = ThreadFactory(title="Buy now", body="cheap pills here")
    services.report_create(reporter=UserFactory(), target=thread, reason="spam", note="")
    services.report_create(reporter=UserFactory(), target=thread, reason="spam", note="")
    entry = services.content_hide(staff=staff, target=thread, reason="Advertising")
    thread.refresh_from_db()
    assert thread.hidden_at is not None and thread.hidden_reason == "Advertising"
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.HIDDEN}
    assert entry.action == "hide" and entry.kind == "thread" and entry.object_id == thread.pk
    assert entry.actor == staff and entry.reason == "Advertising" and entry.report_count == 2
    assert "cheap pills here" in entry.snapshot and "Buy now" in entry.snapshot


def test_hiding_needs_a_reason(staff):
    with pytest.raises(ValidationError):
        services.content_hide(staff=staff, target=ReplyFactory(), reason="  ")


def test_restoring_shows_the_post_again_and_is_logged(staff):
    reply = ReplyFactory()
    services.content_hide(staff=staff, target=reply, reason="Rude")
    services.content_restore(staff=staff, target=reply, reason="On appeal: it was a quote")
    reply.refresh_from_db()
    assert reply.hidden_at is None and reply.hidden_reason == ""
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]
    with pytest.raises(PermissionDenied):
        services.content_restore(staff=UserFactory(), target=reply, reason="no")


def test_a_dismissed_report_is_closed_and_logged_once(staff):
    report = services.report_create(reporter=UserFactory(), target=ReviewFactory(), reason="spoiler", note="")
    assert services.report_dismiss(staff=staff, report=report, reason="No spoiler in it") is not None
    assert services.report_dismiss(staff=staff, report=report, reason="again") is None
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED and report.resolved_by == staff
    assert ModerationAction.objects.filter(action="dismiss").count() == 1


def test_a_hidden_review_no_longer_counts_in_the_movies_review_count(staff):
    review = ReviewFactory()
    from community.movies.services import movie_stats_refresh

    movie_stats_refresh(movie_ids=[review.movie_id])
    review.movie.refresh_from_db()
    assert review.movie.review_count == 1
    services.content_hide(staff=staff, target=review, reason="Abuse")
    review.movie.refresh_from_db()
    assert review.movie.review_count == 0
    services.content_restore(staff=staff, target=review, reason="Mistake")
    review.movie.refresh_from_db()
    assert review.movie.review_count == 1
