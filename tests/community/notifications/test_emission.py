"""Each kind of notification is emitted by the service where the thing happens, never for
oneself, once per actor, verb and target, and shown only while its target may be seen."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community.accounts.models import Visibility
from community.discussions.services import reply_create, reply_delete
from community.lists.services import collaborator_invite, collaborator_remove, comment_create
from community.moderation.services import content_hide
from community.notifications import selectors
from community.notifications.models import Notification
from community.reviews.services import review_delete, review_like, review_unlike
from community.social.services import follow_create, follow_delete
from tests.community.lists.factories import FilmListFactory
from tests.factories import (
    ImportedUserFactory,
    NotificationFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Verb = Notification.Verb


def _only(user):
    shown = list(selectors.notifications_for(user=user))
    assert len(shown) == 1, shown
    return shown[0]


def test_following_someone_tells_them():
    alice, bob = UserFactory(), UserFactory()
    follow_create(follower=bob, followee=alice)
    n = _only(alice)
    assert (n.actor, n.verb, n.read_at) == (bob, Verb.FOLLOWED, None)
    assert selectors.target_url(n) == f"/u/{bob.username}/"
    assert not Notification.objects.filter(recipient=bob).exists()


def test_following_unfollowing_and_following_again_tells_them_once():
    alice, bob = UserFactory(), UserFactory()
    for _ in range(3):
        follow_create(follower=bob, followee=alice)
        follow_delete(follower=bob, followee=alice)
    follow_create(follower=bob, followee=alice)
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_liking_a_review_tells_its_author_once_however_often_it_is_liked_again():
    review = ReviewFactory()
    fan = UserFactory()
    review_like(review=review, user=fan)
    review_like(review=review, user=fan)
    review_unlike(review=review, user=fan)
    review_like(review=review, user=fan)
    n = _only(review.user)
    assert (n.actor, n.verb, n.review) == (fan, Verb.REVIEW_LIKED, review)
    assert selectors.target_url(n) == f"{review.movie.get_absolute_url()}#review-{review.pk}"
    assert selectors.target_title(n) == review.movie.title


def test_reading_a_like_and_liking_again_does_not_notify_again():
    review = ReviewFactory()
    fan = UserFactory()
    review_like(review=review, user=fan)
    Notification.objects.update(read_at=timezone.now())
    review_unlike(review=review, user=fan)
    review_like(review=review, user=fan)
    assert selectors.unread_count(user=review.user) == 0


def test_two_members_liking_the_same_review_are_two_notifications():
    review = ReviewFactory()
    review_like(review=review, user=UserFactory())
    review_like(review=review, user=UserFactory())
    assert selectors.unread_count(user=review.user) == 2


def test_a_reply_in_a_discussion_tells_its_author_but_not_the_one_who_replied():
    thread = ThreadFactory()
    other = UserFactory()
    reply = reply_create(user=other, thread=thread, body="The ending was earned.")
    n = _only(thread.author)
    assert (n.actor, n.verb, n.reply) == (other, Verb.THREAD_REPLIED, reply)
    assert selectors.target_url(n) == f"/discussions/{thread.pk}/#reply-{reply.pk}"
    reply_create(user=thread.author, thread=thread, body="Thanks, I agree.")
    assert Notification.objects.count() == 1


def test_each_reply_is_its_own_notification():
    thread = ThreadFactory()
    other = UserFactory()
    reply_create(user=other, thread=thread, body="One.")
    reply_create(user=other, thread=thread, body="Two.")
    assert selectors.unread_count(user=thread.author) == 2


def test_a_reply_in_a_thread_whose_author_left_tells_nobody():
    thread = ThreadFactory(author=None)
    reply_create(user=UserFactory(), thread=thread, body="Anyone?")
    assert not Notification.objects.exists()


def test_a_comment_on_a_list_tells_its_owner():
    film_list = FilmListFactory()
    other = UserFactory()
    comment = comment_create(film_list=film_list, user=other, body="Great picks.")
    n = _only(film_list.owner)
    assert (n.actor, n.verb, n.list_comment, n.film_list) == (other, Verb.LIST_COMMENTED, comment, film_list)
    assert selectors.target_url(n) == f"/lists/{film_list.pk}/#comment-{comment.pk}"


def test_the_owner_commenting_on_their_own_list_is_told_nothing():
    film_list = FilmListFactory()
    comment_create(film_list=film_list, user=film_list.owner, body="Added two more.")
    assert not Notification.objects.exists()


def test_an_invitation_to_a_list_tells_the_invitee_once():
    film_list = FilmListFactory(collaborative=True, visibility=Visibility.ONLY_ME)
    guest = UserFactory()
    invitation = collaborator_invite(film_list=film_list, user=film_list.owner, member=guest)
    collaborator_invite(film_list=film_list, user=film_list.owner, member=guest)
    n = _only(guest)
    assert (n.actor, n.verb, n.invitation) == (film_list.owner, Verb.LIST_INVITED, invitation)
    assert selectors.target_url(n) == "/lists/invitations/"


def test_a_withdrawn_invitation_takes_its_notification_with_it():
    film_list = FilmListFactory(collaborative=True)
    guest = UserFactory()
    collaborator_invite(film_list=film_list, user=film_list.owner, member=guest)
    collaborator_remove(film_list=film_list, user=film_list.owner, member=guest)
    assert not Notification.objects.exists()


def test_imported_accounts_who_cannot_sign_in_are_not_notified():
    critic = ImportedUserFactory()
    follow_create(follower=UserFactory(), followee=critic)
    review_like(review=ReviewFactory(user=critic), user=UserFactory())
    assert not Notification.objects.exists()


def test_a_deleted_review_takes_its_notifications_with_it():
    review = ReviewFactory()
    review_like(review=review, user=UserFactory())
    review_delete(review=review, user=review.user)
    assert not Notification.objects.exists()


def test_a_deleted_reply_takes_its_notification_with_it():
    thread = ThreadFactory()
    other = UserFactory()
    reply = reply_create(user=other, thread=thread, body="Hm.")
    reply_delete(reply=reply, user=other)
    assert selectors.unread_count(user=thread.author) == 0


def test_a_review_hidden_by_moderators_is_not_shown_nor_counted():
    review = ReviewFactory()
    review_like(review=review, user=UserFactory())
    staff = UserFactory(is_staff=True)
    content_hide(staff=staff, target=review, reason="Spam")
    assert selectors.unread_count(user=review.user) == 0
    assert list(selectors.notifications_for(user=review.user)) == []


def test_a_comment_hidden_by_moderators_is_not_shown():
    film_list = FilmListFactory()
    comment = comment_create(film_list=film_list, user=UserFactory(), body="Buy cheap pills")
    content_hide(staff=UserFactory(is_staff=True), target=comment, reason="Spam")
    assert selectors.unread_count(user=film_list.owner) == 0


def test_a_list_the_recipient_may_not_see_is_not_shown():
    private = FilmListFactory(visibility=Visibility.ONLY_ME)
    stranger = UserFactory()
    NotificationFactory(
        recipient=stranger,
        actor=private.owner,
        verb=Verb.LIST_COMMENTED,
        film_list=private,
        target_key=f"list:{private.pk}",
    )
    assert selectors.unread_count(user=stranger) == 0
    private.visibility = Visibility.PUBLIC
    private.save(update_fields=["visibility"])
    assert selectors.unread_count(user=stranger) == 1


def test_an_actor_whose_account_was_deactivated_is_not_shown():
    alice, bob = UserFactory(), UserFactory()
    follow_create(follower=bob, followee=alice)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert selectors.unread_count(user=alice) == 0


def test_a_notification_is_never_for_oneself_even_when_asked():
    from community.notifications.services import notification_emit

    alice = UserFactory()
    assert notification_emit(recipient_id=alice.pk, actor=alice, verb=Verb.FOLLOWED) is None
    assert not Notification.objects.exists()
