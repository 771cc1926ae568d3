"""The notifications page, the navigation's unread count and the forms that mark them read or
choose the email digest (plain POST forms with CSRF, no JavaScript needed)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from community.notifications.models import Notification, NotificationSettings
from community.reviews.services import review_like
from community.social.services import follow_create
from tests.factories import NotificationFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _unread_label(html: str) -> str:
    found = re.search(r'aria-label="(Notifications, \d+ unread)"', html)
    assert found, "the navigation has no notifications link"
    return found.group(1)


def _nav(client) -> str:
    return _unread_label(client.get(reverse("movies:list")).content.decode())


def test_the_navigation_says_how_many_are_unread(member_client, user):
    assert _nav(member_client) == "Notifications, 0 unread"
    follow_create(follower=UserFactory(), followee=user)
    review_like(review=ReviewFactory(user=user), user=UserFactory())
    assert _nav(member_client) == "Notifications, 2 unread"


def test_the_cached_homepage_shows_a_new_notification_at_once(member_client, user):
    member_client.get(reverse("home"))
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 0 unread"
    follow_create(follower=UserFactory(), followee=user)
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 1 unread"
    member_client.post(reverse("notifications:read_all"))
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 0 unread"


def test_with_a_shared_cache_the_homepage_is_renewed_by_notifications_and_marking_read(
    member_client, user, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_IS_SHARED = True
    member_client.get(reverse("home"))
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 0 unread"
    with django_capture_on_commit_callbacks(execute=True):
        review = ReviewFactory(user=user)
        review_like(review=review, user=UserFactory())
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 1 unread"
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("notifications:read_all"))
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 0 unread"
    with django_capture_on_commit_callbacks(execute=True):
        review_like(review=ReviewFactory(user=user), user=UserFactory())
    member_client.get(reverse("home"))
    with django_capture_on_commit_callbacks(execute=True):
        Notification.objects.filter(recipient=user).delete()  # as a deleted review's cascade does
    assert _unread_label(member_client.get(reverse("home")).content.decode()) == "Notifications, 0 unread"


def test_visitors_see_no_notifications_link(client, db):
    assert b"nav-notifications" not in client.get(reverse("movies:list")).content


def test_the_unread_count_is_one_query_however_often_the_page_shows_it(
    member_client, user, django_assert_max_num_queries
):
    from community.notifications import selectors

    url = reverse("notifications:index")
    member_client.get(url)
    with django_assert_max_num_queries(10) as with_count:
        member_client.get(url)
    counts = [q["sql"] for q in with_count.captured_queries if "notifications_notification" in q["sql"]]
    assert len([sql for sql in counts if "COUNT(" in sql.upper()]) == 2  # the page's paginator and the nav
    assert selectors.unread_count(user=user) == 0


def test_the_page_lists_each_item_with_a_link_to_its_target(member_client, user):
    fan = UserFactory(first_name="Ada", last_name="Fan")
    review = ReviewFactory(user=user)
    review_like(review=review, user=fan)
    html = member_client.get(reverse("notifications:index")).content.decode()
    assert "Ada Fan" in html
    assert f'href="{review.movie.get_absolute_url()}#review-{review.pk}"' in html
    assert "liked your review" in html and review.movie.title in html
    assert "is-unread" in html and ">New<" in html


def test_an_empty_page_says_what_will_appear(member_client):
    html = member_client.get(reverse("notifications:index")).content.decode()
    assert "No notifications yet" in html


def test_the_page_is_paginated_with_a_fixed_query_count(member_client, user, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=user)
    with django_assert_max_num_queries(12) as few:
        member_client.get(reverse("notifications:index"))
    NotificationFactory.create_batch(40, recipient=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member_client.get(reverse("notifications:index"))
    html = response.content.decode()
    assert html.count('class="notification is-unread"') == 20
    assert "Page 1 of 3" in html
    second = member_client.get(reverse("notifications:index") + "?page=3").content.decode()
    assert second.count('class="notification is-unread"') == 3


def test_marking_one_read_works_without_javascript(member_client, user):
    n = NotificationFactory(recipient=user)
    other = NotificationFactory(recipient=user)
    response = member_client.post(reverse("notifications:read", args=[n.pk]), {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    n.refresh_from_db()
    other.refresh_from_db()
    assert n.read_at is not None and other.read_at is None
    html = member_client.get(reverse("notifications:index")).content.decode()
    assert _unread_label(html) == "Notifications, 1 unread"
    assert 'class="notification is-read"' in html and ">Read<" in html


def test_mark_all_as_read(member_client, user):
    NotificationFactory.create_batch(3, recipient=user)
    untouched = NotificationFactory()
    member_client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    untouched.refresh_from_db()
    assert untouched.read_at is None


def test_marking_needs_a_post_with_a_csrf_token(user):
    from django.test import Client

    n = NotificationFactory(recipient=user)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert csrf_client.post(reverse("notifications:read", args=[n.pk])).status_code == 403
    assert csrf_client.post(reverse("notifications:read_all")).status_code == 403
    n.refresh_from_db()
    assert n.read_at is None


def test_another_members_notification_cannot_be_marked_read(member_client):
    theirs = NotificationFactory()
    assert member_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("notifications:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_digest_is_off_by_default_and_chosen_on_the_settings_page(member_client, user):
    html = member_client.get(reverse("accounts:settings")).content.decode()
    assert 'id="notifications-h"' in html
    assert re.search(r'<input type="checkbox" name="email_digest"[^>]*>', html)
    assert not re.search(r'<input type="checkbox" name="email_digest"[^>]*checked', html)
    response = member_client.post(reverse("notifications:settings"), {"email_digest": "on"})
    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=user).email_digest is True
    html = member_client.get(reverse("accounts:settings")).content.decode()
    assert re.search(r'<input type="checkbox" name="email_digest"[^>]*checked', html)
    member_client.post(reverse("notifications:settings"), {})
    assert NotificationSettings.objects.get(user=user).email_digest is False
