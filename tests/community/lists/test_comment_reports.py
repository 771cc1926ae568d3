"""Comments on lists are reported, queued and hidden like reviews and discussion posts."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from community.accounts.models import Visibility
from community.lists import selectors
from community.moderation import services
from community.moderation.models import Kind, ModerationAction, Report
from tests.community.lists.factories import FilmListFactory, ListCommentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_members_see_a_report_link_on_others_comments_but_not_their_own(client):
    comment = ListCommentFactory(body="Buy cheap pills at my shop")
    url = comment.film_list.get_absolute_url()
    client.force_login(UserFactory())
    assert f"/report/list_comment/{comment.pk}/" in client.get(url).content.decode()
    client.force_login(comment.author)
    assert f"/report/list_comment/{comment.pk}/" not in client.get(url).content.decode()
    client.logout()
    assert "/report/" not in client.get(url).content.decode()


def test_reporting_a_comment_through_the_form_goes_back_to_it(client):
    comment = ListCommentFactory(body="Buy cheap pills at my shop")
    reporter = UserFactory()
    client.force_login(reporter)
    url = f"/report/list_comment/{comment.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Buy cheap pills" in page.content.decode()
    done = client.post(url, {"reason": "spam", "note": "an advert"})
    assert done.status_code == 302
    assert done["Location"] == f"{comment.film_list.get_absolute_url()}#comment-{comment.pk}"
    report = Report.objects.get(reporter=reporter)
    assert (report.kind, report.target, report.note) == (Kind.LIST_COMMENT, comment, "an advert")
    again = client.post(url, {"reason": "abuse"})
    assert again.status_code == 400 and "already reported" in again.content.decode()


def test_a_comment_on_a_list_that_is_no_longer_public_or_a_hidden_one_cannot_be_reported(client):
    client.force_login(UserFactory())
    private = ListCommentFactory(film_list=FilmListFactory(visibility=Visibility.ONLY_ME))
    assert client.get(f"/report/list_comment/{private.pk}/").status_code == 404
    hidden = ListCommentFactory()
    services.content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="Spam")
    assert client.get(f"/report/list_comment/{hidden.pk}/").status_code == 404
    assert client.get("/report/list_comment/999999/").status_code == 404


def test_the_api_takes_a_report_of_a_list_comment(client):
    comment = ListCommentFactory()
    client.force_login(UserFactory())
    response = client.post(
        "/api/v1/reports/",
        {"kind": "list_comment", "id": comment.pk, "reason": "abuse"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "list_comment" and response.json()["target_id"] == comment.pk
    own = client.post(
        "/api/v1/reports/",
        {
            "kind": "list_comment",
            "id": ListCommentFactory(author=response.wsgi_request.user).pk,
            "reason": "spam",
        },
        content_type="application/json",
    )
    assert own.status_code == 400


def test_the_queue_shows_a_reported_comment_and_hiding_it_closes_the_reports_and_is_logged(client):
    comment = ListCommentFactory(body="You are all idiots")
    for _ in range(2):
        services.report_create(reporter=UserFactory(), target=comment, reason="abuse", note="")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    queue = client.get("/admin/moderation/report/?kind=list_comment")
    assert queue.status_code == 200 and queue.context["cl"].result_count == 2
    assert "You are all idiots" in queue.content.decode()
    ids = [Report.objects.order_by("pk").first().pk]  # one report: hiding closes the other too
    done = client.post(
        "/admin/moderation/report/",
        {"action": "hide_reported_content", ACTION_CHECKBOX_NAME: ids, "apply": "1", "reason": "Insults"},
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_reason == "Insults"
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.HIDDEN}
    entry = ModerationAction.objects.get(action="hide")
    assert (entry.kind, entry.object_id, entry.report_count) == ("list_comment", comment.pk, 2)
    # hidden as other posts are: gone for others, marked for its author
    assert list(selectors.list_comments(film_list=comment.film_list, viewer=UserFactory())) == []
    assert list(selectors.list_comments(film_list=comment.film_list, viewer=comment.author)) == [comment]


def test_the_list_comment_admin_hides_through_the_moderation_log(client):
    comment = ListCommentFactory()
    services.report_create(reporter=UserFactory(), target=comment, reason="spam", note="")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = "/admin/lists/listcomment/"
    client.post(
        url, {"action": "hide_comments", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1", "reason": "Ad"}
    )
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert Report.objects.get().status == Report.Status.HIDDEN
    client.post(
        url, {"action": "restore_comments", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1", "reason": "OK"}
    )
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert list(ModerationAction.objects.order_by("pk").values_list("action", "kind")) == [
        ("hide", "list_comment"),
        ("restore", "list_comment"),
    ]
