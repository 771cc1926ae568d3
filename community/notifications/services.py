"""Writes on notifications: emitting one when something happens to a member, marking them
read, the member's digest choice, sending a digest, and its one-click unsubscribe link.

The services where things happen call ``notification_emit`` inside their own transaction
(community.social, reviews, discussions and lists), so a notification exists exactly when the
follow, like, reply, comment or invitation does.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from community.accounts.models import User
from community.core import pagecache
from community.discussions.models import Reply
from community.lists.models import FilmList, ListCollaborator, ListComment
from community.lists.selectors import can_view
from community.notifications import selectors
from community.notifications.models import DigestSent, Notification, NotificationSettings
from community.reviews.models import Review

log = logging.getLogger(__name__)

Verb = Notification.Verb
DIGEST_MAX_ITEMS = 50  # a digest lists this many and counts the rest
# Only for digest unsubscribe links: a value signed for another purpose (an email verification
# link, a session) never passes as one, nor one of these as theirs.
UNSUBSCRIBE_SALT = "community.notifications.digest_unsubscribe"
UNSUBSCRIBE_LINK_INVALID = (
    "This unsubscribe link is not valid: it may have been cut short or changed on the way. "
    "You can turn the email digest off in your settings."
)


def _target_key(
    *,
    review: Review | None,
    reply: Reply | None,
    list_comment: ListComment | None,
    invitation: ListCollaborator | None,
) -> tuple[str, FilmList | None]:
    targets = [t for t in (review, reply, list_comment, invitation) if t is not None]
    if len(targets) > 1:
        raise ValueError("a notification has one target")
    if review is not None:
        return f"review:{review.pk}", None
    if reply is not None:
        return f"reply:{reply.pk}", None
    if list_comment is not None:
        return f"list_comment:{list_comment.pk}", list_comment.film_list
    if invitation is not None:
        return f"invitation:{invitation.pk}", invitation.film_list
    return "", None


def notification_emit(
    *,
    recipient_id: int | None,
    actor: User,
    verb: str,
    review: Review | None = None,
    reply: Reply | None = None,
    list_comment: ListComment | None = None,
    invitation: ListCollaborator | None = None,
) -> Notification | None:
    """Tell ``recipient_id`` that ``actor`` did ``verb`` (to the one target given, if any).

    Promises: nobody is told about their own action; only active members who can sign in are
    told (not imported raters and critics, nor a thread or list whose owner left); a list's
    notification goes only to a member who may see the list; one notification per recipient,
    actor, verb and target ever (liking, unliking and liking again notifies once). Returns the
    notification, or None when nobody is told.
    """
    if recipient_id is None or recipient_id == actor.pk:
        return None
    key, film_list = _target_key(review=review, reply=reply, list_comment=list_comment, invitation=invitation)
    recipient = User.objects.filter(pk=recipient_id, is_active=True, kind=User.Kind.MEMBER).first()
    if recipient is None:
        return None
    if film_list is not None and not can_view(film_list=film_list, viewer=recipient):
        return None
    identity = {"recipient": recipient, "actor": actor, "verb": verb, "target_key": key}
    existing = Notification.objects.filter(**identity).first()
    if existing is not None:
        return existing
    # ON CONFLICT DO NOTHING: a like sent twice at once neither duplicates nor breaks the
    # caller's transaction.
    Notification.objects.bulk_create(
        [
            Notification(
                **identity,
                review=review,
                reply=reply,
                list_comment=list_comment,
                invitation=invitation,
                film_list=film_list,
                created_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    pagecache.member_pages_changed(recipient.pk)
    return Notification.objects.filter(**identity).first()


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the member's own notifications read (again is harmless)."""
    _require_member(user)
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification is for someone else.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        pagecache.member_pages_changed(user.pk)
    return notification


def notifications_mark_read(*, user: User, notification_ids: list[int]) -> int:
    """Mark some of the member's own notifications read; returns how many changed. An id that
    is not one of theirs (another member's is not said to exist) is a ValidationError on
    ``ids`` and nothing changes."""
    _require_member(user)
    ids = list(dict.fromkeys(notification_ids))
    own = set(Notification.objects.filter(recipient=user, pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in own]
    if missing:
        raise ValidationError({"ids": [f"You have no notification with id {pk}." for pk in missing]})
    changed = Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        pagecache.member_pages_changed(user.pk)
    return changed


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the member read; returns how many changed."""
    _require_member(user)
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        pagecache.member_pages_changed(user.pk)
    return changed


def notification_settings_update(*, user: User, email_digest: bool) -> NotificationSettings:
    """Turn the member's email digest of unread notifications on or off."""
    _require_member(user)
    choice, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_digest": bool(email_digest), "updated_at": timezone.now()}
    )
    return choice


def _unsubscribe_signer() -> signing.Signer:
    # No timestamp, so the link never expires: a digest may be opened, and a mail provider may
    # offer its "Unsubscribe" button from the stored header, months after it was sent, and an
    # expired link would leave the member mailed with no way out but signing in. Little is lost
    # if an old link leaks: it can only turn the digest off, only for the member it names, and
    # they can turn it back on. It is also the same link in every digest of that member.
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe_url(*, user: User) -> str:
    """The absolute link (on ``SITE_URL``) that turns off ``user``'s email digest, signed so
    nobody can make one for another member."""
    token = _unsubscribe_signer().sign(str(user.pk))
    return settings.SITE_URL.rstrip("/") + reverse("notifications:digest_unsubscribe", args=[token])


def digest_unsubscribe_member(*, token: str) -> User:
    """The member an unsubscribe link was made for, changing nothing; raises ValidationError
    (code ``invalid``) for a damaged, forged or unknown link."""
    try:
        pk = _unsubscribe_signer().unsign(token)
    except signing.BadSignature:
        raise ValidationError(UNSUBSCRIBE_LINK_INVALID, code="invalid") from None
    user = User.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if user is None:  # the account was deleted since
        raise ValidationError(UNSUBSCRIBE_LINK_INVALID, code="invalid")
    return user


def digest_unsubscribe(*, token: str) -> User:
    """Turn off the email digest of the member an unsubscribe link was made for (RFC 8058's
    one-click unsubscribe: no sign-in, the signature is the authority). Returns the member;
    running it again changes nothing. Raises ValidationError (code ``invalid``) for a damaged,
    forged or unknown link, and then nothing changes."""
    user = digest_unsubscribe_member(token=token)
    # No row means no digest already, so there is nothing to create.
    turned_off = NotificationSettings.objects.filter(user=user, email_digest=True).update(
        email_digest=False, updated_at=timezone.now()
    )
    if turned_off:
        log.info("member %s turned the notification digest off from its unsubscribe link", user.pk)
    return user


def _digest_headers(unsubscribe_url: str) -> dict[str, str]:
    """Mark the digest as machine-sent, so vacation responders do not answer it (RFC 3834), and
    give mail clients the link that turns it off (RFC 2369: their "Unsubscribe" button), which
    they may POST to without showing a page (RFC 8058's one click, which big providers require
    of bulk mail)."""
    return {
        "Auto-Submitted": "auto-generated",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def digest_send(*, user_id: int) -> DigestSent | None:
    """Mail the member one digest of their unread notifications that no digest carried yet.

    Safe to run twice, at once or one after the other: the member's settings row is locked, the
    notifications mailed are stamped ``emailed_at`` in the same transaction and a ``DigestSent``
    row records the digest, so a second run finds nothing left to send. Nothing is sent to a
    member who turned digests off, has no usable address, or has nothing new. If the mail cannot
    be sent the transaction rolls back and a later run tries again.
    """
    with transaction.atomic():
        choice = (
            NotificationSettings.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, email_digest=True)
            .first()
        )
        if choice is None:
            return None
        user = choice.user
        if not user.is_active or user.is_imported or not user.email or not user.email_verified:
            return None
        due = list(selectors.digest_due(user=user))
        if not due:
            return None
        shown = due[:DIGEST_MAX_ITEMS]
        site = settings.SITE_URL.rstrip("/")
        items = [
            {
                "actor": n.actor.display_name,
                "verb": n.get_verb_display(),
                "title": selectors.target_title(n),
                "url": site + selectors.target_url(n),
            }
            for n in shown
        ]
        settings_url = site + reverse("accounts:settings") + "#notifications-h"
        unsubscribe_url = digest_unsubscribe_url(user=user)
        context = {
            "user": user,
            "items": items,
            "more": len(due) - len(shown),
            "count": len(due),
            "page_url": site + reverse("notifications:index"),
            "settings_url": settings_url,
            "unsubscribe_url": unsubscribe_url,
        }
        subject = render_to_string("notifications/digest_subject.txt", context).strip()
        body = render_to_string("notifications/digest.txt", context)
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in due]).update(emailed_at=now)
        sent = DigestSent.objects.create(user=user, sent_at=now, notification_count=len(due))
        EmailMessage(subject, body, None, [user.email], headers=_digest_headers(unsubscribe_url)).send()
    log.info("notification digest %s sent to member %s with %s notifications", sent.pk, user_id, len(due))
    return sent
