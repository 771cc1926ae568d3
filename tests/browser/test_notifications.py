"""The notifications page, the navigation's unread count and the settings page's digest choice in
headless Chromium (see conftest.py), at 1280 and 390 px: one member follows another, likes their
review and comments on their public list (through the services); the other signs in, reads the
count, opens the page, marks one item read with its own button, then all of them. No page may
scroll sideways on a phone. Screenshots (notifications-*.png) go to the shots folder for a
person to look at. Run with: pytest tests/browser/test_notifications.py -m browser
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_diary_lists import assert_no_sideways_scroll, log_in
from tests.factories import TEST_PASSWORD, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.browser

LONG_TITLE = "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"
LIST_TITLE = "Heists and long nights: a very long list title that has to wrap on a phone"


@pytest.fixture
def notification_world(transactional_db, settings):
    from community.lists import services as list_services
    from community.notifications.models import Notification
    from community.reviews.services import review_like
    from community.social.services import follow_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    author = UserFactory(username="lena")
    fan = UserFactory(username="omar_the_very_enthusiastic_cinephile")
    review = ReviewFactory(user=author, movie=MovieFactory(title=LONG_TITLE, year=1964))
    film_list = list_services.list_create(owner=author, title=LIST_TITLE, ranked=True, visibility="public")

    follow_create(follower=fan, followee=author)
    review_like(review=review, user=fan)
    comment = list_services.comment_create(film_list=film_list, user=fan, body="Where is Rififi?")
    assert Notification.objects.filter(recipient=author, read_at__isnull=True).count() == 3
    return {"author": author, "fan": fan, "review": review, "list": film_list, "comment": comment}


def all_unread_again(author) -> None:
    """Each width starts from three unread notifications."""
    from community.core import pagecache
    from community.notifications.models import Notification

    Notification.objects.filter(recipient=author).update(read_at=None)
    pagecache.member_pages_changed(author.pk)


def nav_label(page) -> str:
    return page.locator("a.nav-notifications").get_attribute("aria-label")


def test_notifications_at_desktop_and_phone_widths(
    live_server, notification_world, new_page, shot, section_shot
):
    base = live_server.url
    world = notification_world
    author, fan, review, film_list, comment = (
        world[k] for k in ("author", "fan", "review", "list", "comment")
    )
    for width in (1280, 390):
        all_unread_again(author)
        page = new_page(width=width)
        log_in(page, base)

        # The navigation names the count for a screen reader and shows it as a badge.
        nav = page.locator("a.nav-notifications")
        assert nav_label(page) == "Notifications, 3 unread"
        assert nav.inner_text().split() == ["Notifications", "3"]

        page.goto(base + "/notifications/")
        main = page.locator("main")
        assert main.get_by_role("heading", level=1, name="Notifications").is_visible()
        assert main.get_by_text("3 unread.").is_visible()
        items = main.locator("ol.notification-list > li")
        assert items.count() == 3
        assert main.locator("li.notification.is-unread").count() == 3
        # Unread is said in words ("New"), not only by colour.
        assert main.locator("li.notification.is-unread .notification-new").count() == 3

        expected = {
            "followed you": reverse("accounts:profile", kwargs={"username": fan.username}),
            f"liked your review: {LONG_TITLE}": f"{review.movie.get_absolute_url()}#review-{review.pk}",
            f"commented on your list: {LIST_TITLE}": f"/lists/{film_list.pk}/#comment-{comment.pk}",
        }
        for text, href in expected.items():
            item = items.filter(has_text=text)
            assert item.count() == 1, text
            link = item.get_by_role("link", name=text)
            assert link.is_visible(), text
            assert link.get_attribute("href") == href, text
            # The actor's name links to their profile.
            actor = item.get_by_role("link", name=fan.display_name, exact=True)
            assert actor.is_visible()
            assert actor.get_attribute("href") == expected["followed you"]
            assert item.get_by_role("button", name="Mark as read").is_visible()
        when = items.first.locator("time").inner_text()
        assert "0\xa0minutes" not in when and ("now" in when or when.endswith("ago")), when
        if width == 390:  # the text keeps the row's width; the button goes under it
            body = items.first.locator(".notification-body").bounding_box()
            mark = items.first.get_by_role("button", name="Mark as read").bounding_box()
            assert mark["y"] >= body["y"] + body["height"], (body, mark)
            assert body["width"] > 250, body
        assert_no_sideways_scroll(page, f"the notifications page at {width}px")
        shot(page, f"notifications-{width}")
        section_shot(page, "header.site-header", f"notifications-nav-{width}")
        page.evaluate("document.querySelector('.site-header').style.position = ''")

        # One item's own button, from the keyboard: that item says "Read", the count drops.
        liked = items.filter(has_text="liked your review")
        button = liked.get_by_role("button", name="Mark as read")
        button.focus()
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        main = page.locator("main")
        items = main.locator("ol.notification-list > li")
        liked = items.filter(has_text="liked your review")
        assert liked.get_by_text("Read", exact=True).is_visible()
        assert liked.get_by_role("button").count() == 0
        assert liked.locator(".notification-new").count() == 0
        assert nav_label(page) == "Notifications, 2 unread"
        assert page.locator("a.nav-notifications").inner_text().split() == ["Notifications", "2"]
        assert main.get_by_text("2 unread.").is_visible()
        assert main.locator("li.notification.is-unread").count() == 2
        assert_no_sideways_scroll(page, f"the notifications page with one read at {width}px")
        shot(page, f"notifications-one-read-{width}")

        # Mark all as read: the count is gone, every item says "Read", the button goes away.
        with page.expect_navigation():
            main.get_by_role("button", name="Mark all as read").click()
        main = page.locator("main")
        assert nav_label(page) == "Notifications, 0 unread"
        assert page.locator("a.nav-notifications .badge-count").count() == 0
        assert page.locator("a.nav-notifications").inner_text().strip() == "Notifications"
        assert main.get_by_text("Marked 2 notifications as read.").is_visible()
        assert main.get_by_role("button", name="Mark all as read").count() == 0
        assert main.get_by_role("button", name="Mark as read").count() == 0
        items = main.locator("ol.notification-list > li")
        assert items.count() == 3  # read items stay listed
        assert main.locator("li.notification.is-read").count() == 3
        assert main.locator(".notification-new").count() == 0
        for i in range(3):
            assert items.nth(i).get_by_text("Read", exact=True).is_visible()
        assert main.get_by_text("Nothing unread: you are all caught up.").is_visible()
        assert_no_sideways_scroll(page, f"the notifications page, all read, at {width}px")
        shot(page, f"notifications-all-read-{width}")

        # The settings page: a Notifications panel whose digest choice is off until turned on.
        page.goto(base + "/accounts/settings/")
        panel = page.locator("section#notifications")
        assert panel.get_by_role("heading", level=2, name="Notifications").is_visible()
        digest = panel.get_by_label("Email me a daily digest of unread notifications")
        assert digest.is_visible()
        assert not digest.is_checked()
        label = panel.locator("label", has_text="Email me a daily digest").bounding_box()
        box = digest.bounding_box()
        assert abs((label["y"] + label["height"] / 2) - (box["y"] + box["height"] / 2)) < label["height"], (
            "the digest checkbox and its label sit on one line"
        )
        assert panel.get_by_role("button", name="Save notification choices").is_visible()
        assert_no_sideways_scroll(page, f"the settings page at {width}px")
        section_shot(page, "section#notifications", f"notifications-settings-{width}")

    # A member with nothing yet sees the empty state, not a blank page.
    page = new_page(width=390)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", fan.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(base + "/notifications/")
    assert nav_label(page) == "Notifications, 0 unread"
    assert page.locator("main").get_by_text("No notifications yet.").is_visible()
    assert_no_sideways_scroll(page, "the empty notifications page at 390px")
    shot(page, "notifications-empty-390")


def test_the_digest_unsubscribe_link_at_desktop_and_phone_widths(
    live_server, transactional_db, new_page, shot
):
    """The digest's "Unsubscribe" link opened from a mail client, signed out: the page changes
    nothing until its button is pressed, then says the digest is off."""
    from community.notifications.models import NotificationSettings
    from community.notifications.services import digest_unsubscribe_url, notification_settings_update

    member = UserFactory(username="omar_the_very_enthusiastic_cinephile")
    for width, height in ((1280, 900), (390, 844)):
        notification_settings_update(user=member, email_digest=True)
        path = digest_unsubscribe_url(user=member).split("://", 1)[1].split("/", 1)[1]
        page = new_page(width=width, height=height)
        page.goto(f"{live_server.url}/{path}")
        button = page.get_by_role("button", name="Stop the email digest")
        assert button.is_visible()
        assert NotificationSettings.objects.get(user=member).email_digest is True  # a GET changes nothing
        assert_no_sideways_scroll(page, f"the unsubscribe page at {width} px")
        shot(page, f"digest-unsubscribe-{width}")
        button.click()
        page.wait_for_load_state()
        assert "You will get no more digest emails" in page.content()
        assert NotificationSettings.objects.get(user=member).email_digest is False
        assert_no_sideways_scroll(page, f"the confirmation at {width} px")
        shot(page, f"digest-unsubscribed-{width}")
        page.close()
