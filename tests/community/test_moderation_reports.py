"""Reporting a post on the website: a Report link, a small form page, once per member."""

from __future__ import annotations

import pytest

from community.moderation.models import Report
from tests.factories import ReplyFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_trained_recommender(settings, tmp_path):
    settings.RECOMMENDER_MODEL_DIR = tmp_path


def test_members_see_a_report_link_on_others_posts_but_not_their_own(client):
    review = ReviewFactory()
    reply = ReplyFactory()
    client.force_login(UserFactory())
    assert f"/report/review/{review.pk}/" in client.get(review.movie.get_absolute_url()).content.decode()
    thread_page = client.get(reply.thread.get_absolute_url()).content.decode()
    assert f"/report/thread/{reply.thread.pk}/" in thread_page
    assert f"/report/reply/{reply.pk}/" in thread_page
    client.force_login(review.user)
    assert f"/report/review/{review.pk}/" not in client.get(review.movie.get_absolute_url()).content.decode()
    client.logout()
    assert "/report/" not in client.get(review.movie.get_absolute_url()).content.decode()


def test_reporting_a_review_through_the_form_goes_back_with_a_message(client):
    review = ReviewFactory(body="Spoils the twist in line one.")
    reporter = UserFactory()
    client.force_login(reporter)
    url = f"/report/review/{review.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Spoils the twist" in page.content.decode()
    assert "Spoiler without warning" in page.content.decode()
    done = client.post(url, {"reason": "spoiler", "note": "First line"}, follow=True)
    assert done.redirect_chain[-1][0] == f"{review.movie.get_absolute_url()}#review-{review.pk}"
    assert "moderators will look at your report" in done.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.review, report.reason, report.note) == (
        reporter,
        review,
        "spoiler",
        "First line",
    )


def test_a_second_report_says_so_inline(client):
    thread = ThreadFactory()
    client.force_login(UserFactory())
    url = f"/report/thread/{thread.pk}/"
    assert client.post(url, {"reason": "off_topic"}).status_code == 302
    again = client.post(url, {"reason": "spam"})
    assert again.status_code == 400
    assert "You already reported this." in again.content.decode()
    assert Report.objects.count() == 1


def test_a_report_without_a_reason_or_with_a_long_note_is_refused_inline(client):
    reply = ReplyFactory()
    client.force_login(UserFactory())
    url = f"/report/reply/{reply.pk}/"
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"reason": "other", "note": "x" * 1001}).status_code == 400
    assert not Report.objects.exists()


def test_unknown_kinds_and_posts_are_404_and_visitors_are_sent_to_log_in(client):
    review = ReviewFactory()
    assert client.get(f"/report/review/{review.pk}/").status_code == 302
    client.force_login(UserFactory())
    assert client.get(f"/report/movie/{review.pk}/").status_code == 404
    assert client.get("/report/review/999999/").status_code == 404
