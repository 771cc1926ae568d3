"""Mail that proves a member reads an address: verification at sign-up, a change of address,
and the end of a password reset.

A verification link carries ``django.core.signing`` data (the account's id and the address it
was mailed to, with a timestamp) and works for ``EMAIL_VERIFICATION_MAX_AGE`` seconds. It
verifies only the address it names, and only while that address is still the account's
(``email``) or the one waiting to replace it (``pending_email``): a new address never replaces
the old one before its own link is followed, and an old link cannot bring back an address the
member has moved away from. Until an account is verified it posts at most
``UNVERIFIED_DAILY_POSTS`` reviews, threads and replies a day (``posting_limit_check``), which
also blunts spam sign-ups. Imported accounts and staff count as verified.

Mail goes out after the transaction commits, through Django's mail backend (the console unless
``EMAIL_URL`` names an SMTP server); a failing server is logged, never shown as an error page.
"""

from __future__ import annotations

import enum
import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from community.accounts import lockout, tokens
from community.accounts.models import User

logger = logging.getLogger(__name__)

SALT = "community.accounts.verification"
LINK_INVALID = "This verification link is not valid. Ask for a new one on your settings page."
LINK_EXPIRED = "This verification link has expired. Ask for a new one on your settings page."
LINK_STALE = (
    "This verification link is for an address your account no longer uses. "
    "Your settings page shows your current address."
)


class Outcome(enum.Enum):
    VERIFIED = "verified"  # the account's address is now verified
    CHANGED = "changed"  # the pending address replaced the old one
    ALREADY = "already"  # nothing to do: that address was verified before


def is_verified(user: User) -> bool:
    """Whether the account posts without the daily limit of unverified accounts."""
    return user.is_staff or user.email_verified


def verification_token(*, user: User, email: str) -> str:
    return signing.dumps({"u": user.pk, "e": email}, salt=SALT, compress=True)


def email_verification_send(*, user: User, site_url: str) -> str | None:
    """Mail a verification link to the address waiting for one: the pending new address, else
    the account's own address if it is not verified yet. Returns the address, or None when
    there is nothing to verify. ``site_url`` is the site's absolute root
    (``request.build_absolute_uri("/")``); the mail leaves after the transaction commits."""
    address = user.pending_email or ("" if user.email_verified else user.email)
    if not address:
        return None
    link = urljoin(
        site_url, reverse("accounts:email_verify", args=[verification_token(user=user, email=address)])
    )
    hours = settings.EMAIL_VERIFICATION_MAX_AGE // 3600
    context = {"user": user, "link": link, "hours": hours, "is_change": address == user.pending_email}
    _mail_on_commit(address=address, template="accounts/email_verify", context=context)
    return address


def email_verify(*, token: str) -> tuple[User, Outcome]:
    """Verify the address a link was mailed to; raises ValidationError saying why a link fails
    (damaged, expired, or for an address the account no longer uses)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(LINK_EXPIRED, code="expired") from None
    except signing.BadSignature:
        raise ValidationError(LINK_INVALID, code="invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise ValidationError(LINK_INVALID, code="invalid")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
        if user is None:
            raise ValidationError(LINK_INVALID, code="invalid")
        address = data["e"]
        now = timezone.now()
        if address and address == user.pending_email:
            old = user.email
            user.email, user.pending_email, user.email_verified_at = address, "", now
            user.save(update_fields=["email", "pending_email", "email_verified_at"])
            if old and old.lower() != address.lower():
                _mail_on_commit(
                    address=old, template="accounts/email_changed", context={"user": user, "new": address}
                )
            return user, Outcome.CHANGED
        if address and address == user.email:
            if user.email_verified_at is not None:
                return user, Outcome.ALREADY
            user.email_verified_at = now
            user.save(update_fields=["email_verified_at"])
            return user, Outcome.VERIFIED
    raise ValidationError(LINK_STALE, code="stale")


def email_change_request(*, user: User, email: str, site_url: str) -> list[str]:
    """Take a new address from the profile form or the API; returns the fields it changed on
    ``user`` (the caller saves them).

    The same address as now, or as the one already pending, changes nothing. A new one waits
    in ``pending_email`` while a link is mailed to it; only that link makes it the account's
    address. An empty address removes the current one (and with it verification) at once; a
    pending address is withdrawn with ``email_change_cancel``.
    """
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": "Enter a valid email address, or leave it empty."}) from None
    if email.lower() == user.email.lower() and email:
        return []
    if email and email.lower() == user.pending_email.lower():
        return []
    if not email:
        if not user.email:  # an empty field where there was no address: a pending one stays
            return []
        user.email, user.pending_email, user.email_verified_at = "", "", None
        return ["email", "pending_email", "email_verified_at"]
    user.pending_email = email
    if site_url:
        email_verification_send(user=user, site_url=site_url)
    return ["pending_email"]


def email_change_cancel(*, user: User) -> bool:
    """Forget the pending new address (its link stops working); False if none was pending."""
    if not user.is_authenticated:
        raise PermissionDenied("Log in to do that.")
    if not user.pending_email:
        return False
    user.pending_email = ""
    user.save(update_fields=["pending_email"])
    return True


def password_reset_complete(*, user: User, new_password: str) -> User:
    """Set the password chosen through a reset link (the caller checked the link and the rules).

    Every API token is revoked and the account's lockout cleared; other sessions end at their
    next request (each keeps a hash of the password). The link reached the account's address,
    so that address counts as verified.
    """
    with transaction.atomic():
        user.set_password(new_password)
        fields = ["password"]
        if user.email and user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        tokens.tokens_revoke_all(user=user)
        lockout.failures_clear(username=user.get_username())
    return user


def posting_limit_check(*, user: User, posted: QuerySet, noun: str) -> None:
    """Refuse a new post from an unverified account that made ``UNVERIFIED_DAILY_POSTS`` of
    this kind (``posted``: its rows with a ``created_at``) in the last 24 hours.

    Call it inside the transaction that saves the post: for unverified accounts it locks the
    account's row, so two posts at once cannot both take the last place.
    """
    if is_verified(user):
        return
    limit = settings.UNVERIFIED_DAILY_POSTS
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    since = timezone.now() - timedelta(days=1)
    if posted.filter(created_at__gte=since).count() < limit:
        return
    if user.email or user.pending_email:
        how = "Follow the link we mailed you (your settings page sends a new one)"
    else:
        how = "Add an email address on your settings page and follow the link we mail you"
    raise ValidationError(
        f"Until your email address is verified you can post {limit} {noun} a day. "
        f"{how} to post more, or try again tomorrow.",
        code="unverified_limit",
    )


def _mail_on_commit(*, address: str, template: str, context: dict) -> None:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)

    def send() -> None:
        try:
            send_mail(subject, body, None, [address])
        except Exception:  # a mail server that fails must not fail the request
            logger.exception("mail %s to user %s failed", template, context["user"].pk)

    transaction.on_commit(send)
