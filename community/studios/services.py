"""Writes about studios: owners invite and remove members and change the studio's settings."""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.accounts.models import User
from community.studios.models import Studio, StudioMembership
from community.studios.selectors import studios_only_owned_by

logger = logging.getLogger(__name__)

Role = StudioMembership.Role


def _require_owner(*, studio: Studio, by: User, what: str = "its members") -> None:
    if not (
        by.is_authenticated
        and StudioMembership.objects.filter(studio=studio, user=by, role=Role.OWNER).exists()
    ):
        raise PermissionDenied(f"Only the studio's owners can change {what}.")


def studio_settings_update(*, studio: Studio, by: User, show_spoiler_quotes: bool) -> Studio:
    """Switch the studio's console settings; only an owner of the studio may (PermissionDenied).

    `show_spoiler_quotes`: whether the console quotes sentences of reviews their authors
    marked as containing spoilers (labelled as such). Off by default.
    """
    _require_owner(studio=studio, by=by, what="its settings")
    Studio.objects.filter(pk=studio.pk).update(show_spoiler_quotes=show_spoiler_quotes)
    studio.show_spoiler_quotes = show_spoiler_quotes
    logger.info("studio %s: %s set show_spoiler_quotes=%s", studio.slug, by.pk, show_spoiler_quotes)
    return studio


def studio_member_invite(
    *, studio: Studio, by: User, identifier: str, role: str = Role.ANALYST
) -> StudioMembership:
    """Add the member named by username or email address (either case) to the studio.

    Only an owner of the studio may (PermissionDenied otherwise). Raises ValidationError on
    `identifier` for an unknown or inactive account, an imported MovieLens or critic account
    (they cannot sign in) or someone already in the studio, and on `role` for an unknown role.
    """
    _require_owner(studio=studio, by=by)
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner or analyst."})
    identifier = (identifier or "").strip()
    if not identifier:
        raise ValidationError({"identifier": "Enter a username or email address."})
    user = (
        User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise ValidationError({"identifier": "No member has that username or email address."})
    if user.kind != User.Kind.MEMBER:
        raise ValidationError(
            {"identifier": "Imported MovieLens raters and critic accounts cannot join a studio."}
        )
    with transaction.atomic():
        membership, created = StudioMembership.objects.get_or_create(
            studio=studio, user=user, defaults={"role": role}
        )
    if not created:
        raise ValidationError({"identifier": f"{user.username} is already a member of this studio."})
    logger.info("studio %s: %s added %s as %s", studio.slug, by.pk, user.pk, role)
    return membership


def studio_member_remove(*, studio: Studio, by: User, user: User) -> None:
    """Take the user out of the studio. Only an owner may; the last owner cannot be removed.

    Raises PermissionDenied for a non-owner, ValidationError on `user` when the user is not a
    member or is the studio's only owner (site staff can hand the studio to someone else in the
    admin first).
    """
    _require_owner(studio=studio, by=by)
    with transaction.atomic():
        # Locking the owners' rows makes two owners removing each other at once take turns,
        # so the studio never ends up without one.
        owners = list(
            StudioMembership.objects.select_for_update()
            .filter(studio=studio, role=Role.OWNER)
            .values_list("user_id", flat=True)
        )
        membership = StudioMembership.objects.filter(studio=studio, user=user).first()
        if membership is None:
            raise ValidationError({"user": "That person is not a member of this studio."})
        if membership.role == Role.OWNER and owners == [user.pk]:
            raise ValidationError(
                {
                    "user": "A studio needs an owner: the last owner cannot be removed. Site staff can "
                    "assign another owner first."
                }
            )
        membership.delete()
    logger.info("studio %s: %s removed %s", studio.slug, by.pk, user.pk)


def studio_owner_leaving_warn(*, user: User) -> list[Studio]:
    """Called before an account is deleted: log a warning for each studio that will be left
    without an owner. Such studios show under "studios without owner" in the admin, where
    staff assign a new one. Returns those studios."""
    studios = list(studios_only_owned_by(user=user))
    for studio in studios:
        logger.warning(
            "studio %s loses its only owner (account %s deleted); assign one in the admin",
            studio.slug,
            user.pk,
        )
    return studios


def studio_demo_account_reset(*, studio: Studio) -> tuple[User, str]:
    """Create or reset the analyst account `demo-<studio slug>` for trying the studio console.

    The account is a verified, onboarded member and an analyst of the studio (never an owner);
    its password is replaced by a fresh random one, returned here and stored nowhere in clear,
    and any login lockout on it is lifted. Returns (user, password).
    """
    from community.accounts import lockout

    username = f"demo-{studio.slug}"[:150]
    password = secrets.token_urlsafe(12)
    now = timezone.now()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        user.kind = User.Kind.MEMBER
        user.is_active = True
        user.email = user.email or f"{username}@example.org"
        user.email_verified_at = user.email_verified_at or now
        user.onboarded_at = user.onboarded_at or now
        user.set_password(password)
        user.save()
        StudioMembership.objects.update_or_create(studio=studio, user=user, defaults={"role": Role.ANALYST})
    lockout.failures_clear(username=username)
    logger.info("studio %s: demo account %s reset", studio.slug, user.pk)
    return user, password
